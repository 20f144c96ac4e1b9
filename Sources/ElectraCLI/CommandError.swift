// CommandError: a user's mistake found while a command runs, reported as one line and exit code 1.

/// An error whose description is the whole message to the user: what went wrong, where, and the fix.
struct CommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
