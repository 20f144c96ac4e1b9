// TFRecordError: why TFRecord files could not be imported as pretraining shards, with the fix.

/// A problem with a TFRecord file or one of its records; each message names the file, the record
/// (numbered from 1, with its byte offset) where there is one, and says what to do.
public enum TFRecordError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A pattern matched no file.
    case noMatch(pattern: String)
    /// A file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file ends inside a record's framing or data.
    case truncated(path: String, record: Int, offset: Int, part: String)
    /// The file is GZIP-compressed (TensorFlow's `compression_type="GZIP"`).
    case compressed(path: String)
    /// The masked CRC-32C of a record's length does not match.
    case lengthChecksum(path: String, record: Int, offset: Int)
    /// The masked CRC-32C of a record's data does not match.
    case dataChecksum(path: String, record: Int, offset: Int)
    /// A record is longer than the reader accepts.
    case recordTooLarge(path: String, record: Int, offset: Int, length: UInt64, limit: Int)
    /// A record is not a well-formed `tf.train.Example`.
    case malformedExample(path: String, record: Int, detail: String)
    /// A record lacks a feature the import needs.
    case missingFeature(path: String, record: Int, name: String)
    /// A record's features are inconsistent (lengths, mask, segment ids, masked positions).
    case inconsistentExample(path: String, record: Int, detail: String)
    /// A token id is outside the vocabulary.
    case idOutsideVocabulary(path: String, record: Int, id: Int64, vocabularySize: Int)
    /// `[CLS]`/`[SEP]` are not where this vocabulary puts them.
    case specialTokenMismatch(path: String, record: Int, detail: String)
    /// A record holds more tokens than the sequence length.
    case tooLong(path: String, record: Int, length: Int, maxSequenceLength: Int)
    /// A `vocab.txt` beside the records differs from the vocabulary given.
    case vocabularyMismatch(vocabularyPath: String, besidePath: String)
    /// The files hold no record.
    case noRecords(paths: [String])

    /// The message for the user: the file and record, what went wrong, and what to do.
    public var description: String {
        switch self {
        case .noMatch(let pattern):
            return "no file matches \(pattern): pass TFRecord files or a glob such as 'data/*.tfrecord' (quoted)"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason); check the path and its permissions"
        case .truncated(let path, let record, let offset, let part):
            return "\(path): record \(record) (byte \(offset)) is cut short in its \(part): the file is truncated "
                + "(an unfinished copy or write); copy it again or leave it out"
        case .compressed(let path):
            return "\(path) is GZIP-compressed: decompress it first (gunzip -c \(path) > \(path).raw) and pass "
                + "the uncompressed file"
        case .lengthChecksum(let path, let record, let offset):
            return "\(path): record \(record) (byte \(offset)) fails its length CRC-32C: the file is corrupt or "
                + "not a TFRecord file; copy it again or leave it out"
        case .dataChecksum(let path, let record, let offset):
            return "\(path): record \(record) (byte \(offset)) fails its data CRC-32C: the file is corrupt; copy it "
                + "again or leave it out"
        case .recordTooLarge(let path, let record, let offset, let length, let limit):
            return "\(path): record \(record) (byte \(offset)) claims \(length) bytes, more than the \(limit) "
                + "accepted: this is not a file of pretraining examples"
        case .malformedExample(let path, let record, let detail):
            return "\(path): record \(record) is not a tf.train.Example (\(detail)): pass files written by "
                + "build_pretraining_dataset.py or create_pretraining_data.py"
        case .missingFeature(let path, let record, let name):
            return "\(path): record \(record) has no int64 feature \(name): pretraining records need input_ids, "
                + "input_mask and segment_ids"
        case .inconsistentExample(let path, let record, let detail):
            return "\(path): record \(record) is inconsistent (\(detail)): pass pretraining records written by "
                + "build_pretraining_dataset.py or create_pretraining_data.py"
        case .idOutsideVocabulary(let path, let record, let id, let vocabularySize):
            return "\(path): record \(record) holds token id \(id), outside the vocabulary of \(vocabularySize) "
                + "tokens: the records were made with another vocab; pass the vocab.txt they were made with (--vocab)"
        case .specialTokenMismatch(let path, let record, let detail):
            return "\(path): record \(record): \(detail): the records were made with another vocab; pass the "
                + "vocab.txt they were made with (--vocab)"
        case .tooLong(let path, let record, let length, let maxSequenceLength):
            return "\(path): record \(record) holds \(length) tokens, more than the sequence length "
                + "\(maxSequenceLength): pass --max-seq-length \(length) or more (at most 4096)"
        case .vocabularyMismatch(let vocabularyPath, let besidePath):
            return "\(besidePath) lies beside the records and differs from the vocab \(vocabularyPath): pass "
                + "--vocab \(besidePath) if the records were made with it"
        case .noRecords(let paths):
            let named = paths.count <= 3 ? paths.joined(separator: ", ") : "\(paths.count) files"
            return "no record found in \(named): the files are empty"
        }
    }
}
