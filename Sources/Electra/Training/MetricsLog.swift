// MetricsLog: `metrics.jsonl`, one JSON object per logged update, kept free of repeated steps.

import ElectraTensor
import Foundation

/// Housekeeping of a run's `metrics.jsonl`.
public enum MetricsLog {
    /// Drops the lines of `phase` whose step is past `step`: a resumed run logs those updates again,
    /// and a reader should see each update once. Lines it cannot read are kept as they are. The file
    /// is replaced atomically.
    public static func truncate(_ path: String, phase: Int, after step: Int) throws {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return }
        var kept = Data()
        var changed = false
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
               let lineStep = object["step"] as? Int, (object["phase"] as? Int ?? 1) == phase, lineStep > step {
                changed = true
                continue
            }
            kept.append(contentsOf: line)
            kept.append(UInt8(ascii: "\n"))
        }
        if changed { try writeAtomically(kept, to: path) }
    }
}
