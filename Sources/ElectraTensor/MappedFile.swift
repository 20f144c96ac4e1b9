// MappedFile: a file's bytes, memory-mapped, for the readers of tensor files.

import Foundation

/// The bytes of `path`, memory-mapped; when it cannot be read, throws `error(reason)`.
func mappedContents(of path: String, orThrow error: (String) -> any Error) throws -> Data {
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch let failure {
        throw error(failure.localizedDescription)
    }
}
