// CorpusFormat: how a pretraining corpus lays out sentences and documents.

/// The layout of a plain-text pretraining corpus.
public enum CorpusFormat: String, CaseIterable, Codable, Sendable {
    /// Google's format: one sentence per line; a blank (whitespace-only) line ends a document.
    case sentences
    /// Hard-wrapped paragraphs: the lines of a block are joined with spaces and split into sentences by
    /// `SentenceSplitter`; a blank line ends a paragraph, two or more consecutive blank lines end a
    /// document.
    case paragraphs
    /// One book per file (the BookCorpus path): hard-wrapped paragraphs split into sentences as in
    /// `paragraphs`, but the whole file is one document whatever its blank lines, and Project
    /// Gutenberg's header, licence and footer are dropped when present (`GutenbergFilter`).
    case books
}
