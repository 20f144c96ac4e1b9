// FixtureJSON: the JSON fixtures written by scripts/make_classification_fixtures.py, read for the
// classification, GLUE and NER tests.

import Foundation
import _TestSupport

enum FixtureJSON {
    /// `Tests/Fixtures/<name>` parsed as JSON.
    static func load(_ name: String) throws -> Any {
        let data = try Data(contentsOf: Fixtures.directory.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data)
    }

    /// A number, or NaN for JSON null (SciPy's NaN as the script stores it).
    static func double(_ value: Any?) -> Double {
        (value as? NSNumber)?.doubleValue ?? .nan
    }

    /// `Tests/Fixtures/<name>` as a path.
    static func path(_ name: String) -> String { Fixtures.directory.appendingPathComponent(name).path }
}
