// CorpusFormat: how a pretraining corpus lays out sentences and documents.

/// The layout of a plain-text pretraining corpus.
public enum CorpusFormat: String, CaseIterable, Codable, Sendable {
    /// Google's format: one sentence per line; a blank (whitespace-only) line ends a document.
    case sentences
    /// Hard-wrapped paragraphs: the lines of a block are joined with spaces and split into sentences by
    /// `SentenceSplitter`; a blank line ends a paragraph, two or more consecutive blank lines end a
    /// document.
    case paragraphs
}
