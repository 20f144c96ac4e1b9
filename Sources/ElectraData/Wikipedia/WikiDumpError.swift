// WikiDumpError: why a Wikipedia dump could not be extracted, with the fix.

/// A problem with a MediaWiki XML dump or the extraction's output; each message names the file and
/// says what to do.
public enum WikiDumpError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The dump could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The bzip2 data is corrupt or truncated.
    case corruptCompression(path: String, detail: String)
    /// The file does not look like a MediaWiki XML export.
    case notAnExport(path: String)
    /// One `<page>` is larger than the reader accepts, or never ends.
    case pageTooLarge(path: String, page: Int, limit: Int)
    /// The output directory cannot be created or written.
    case outputNotWritable(path: String, reason: String)
    /// A multistream index line that is not `OFFSET:PAGEID:TITLE` in increasing offsets (`line` 0: the whole file).
    case badIndex(path: String, line: Int, reason: String)
    /// The index does not describe the dump: an offset past its end or not at a bzip2 stream's start.
    case indexMismatch(dump: String, index: String, detail: String)

    /// The message for the user.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason); check the path and its permissions"
        case .corruptCompression(let path, let detail):
            return "\(path): \(detail): the download is damaged or incomplete; download it again and check it against the md5sums or sha1sums file published beside the dump"
        case .notAnExport(let path):
            return "\(path) is not a MediaWiki XML export (no <mediawiki> element at its start): pass a "
                + "pages-articles dump (.xml or .xml.bz2)"
        case .pageTooLarge(let path, let page, let limit):
            return "\(path): page \(page) runs past \(limit >> 20) MiB without </page>: the dump is truncated or not a pages-articles export"
        case .outputNotWritable(let path, let reason):
            return "cannot write to \(path): \(reason); pass a writable directory with --output"
        case .badIndex(let path, let line, let reason):
            return "\(path)\(line > 0 ? ", line \(line)" : ""): \(reason): not a multistream index (lines OFFSET:PAGEID:TITLE); "
                + "download it again beside the dump, or pass --threads 1 to decode the dump without it"
        case .indexMismatch(let dump, let index, let detail):
            return "\(dump) does not match the index \(index): \(detail); pass the index published with this dump "
                + "(--index FILE), or --threads 1 to decode the dump without it"
        }
    }
}
