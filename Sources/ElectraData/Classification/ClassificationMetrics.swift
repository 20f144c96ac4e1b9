// ClassificationMetrics: GLUE's metrics as scikit-learn and SciPy compute them: accuracy, F1 of the
// positive class, Matthews correlation, Pearson and Spearman (ties given average ranks).

import Foundation

/// The metrics of classification and regression predictions against gold labels.
///
/// Each matches its reference on the same inputs to rounding: `sklearn.metrics.accuracy_score`,
/// `f1_score(pos_label=1)`, `matthews_corrcoef`, `scipy.stats.pearsonr` and `spearmanr`.
public enum ClassificationMetrics {
    /// The fraction of positions where `predicted` equals `gold`; 0 for no examples.
    public static func accuracy(predicted: [Int], gold: [Int]) -> Double {
        precondition(predicted.count == gold.count, "one prediction per gold label")
        guard !gold.isEmpty else { return 0 }
        return Double(zip(predicted, gold).count { $0 == $1 }) / Double(gold.count)
    }

    /// F1 of class `positive`: 2·TP / (2·TP + FP + FN), or 0 when the class is neither predicted nor
    /// gold (scikit-learn's `zero_division` default, after its warning).
    public static func f1(predicted: [Int], gold: [Int], positive: Int = 1) -> Double {
        precondition(predicted.count == gold.count, "one prediction per gold label")
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        for (p, g) in zip(predicted, gold) {
            if p == positive && g == positive { truePositives += 1 }
            else if p == positive { falsePositives += 1 }
            else if g == positive { falseNegatives += 1 }
        }
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 0 : Double(2 * truePositives) / Double(denominator)
    }

    /// The Matthews correlation coefficient over any number of classes (Gorodkin's R_K, as
    /// `sklearn.metrics.matthews_corrcoef`):
    /// (c·s − Σ_k p_k·t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)), with c the correct count, s the total, p_k and
    /// t_k the predicted and true counts of class k; 0 when either factor of the denominator is 0 (one
    /// class only, in the gold labels or in the predictions).
    public static func matthewsCorrelation(predicted: [Int], gold: [Int]) -> Double {
        precondition(predicted.count == gold.count, "one prediction per gold label")
        var predictedCounts: [Int: Int] = [:], trueCounts: [Int: Int] = [:]
        var correct = 0
        for (p, g) in zip(predicted, gold) {
            predictedCounts[p, default: 0] += 1
            trueCounts[g, default: 0] += 1
            if p == g { correct += 1 }
        }
        let samples = Double(gold.count)
        let classes = Set(predictedCounts.keys).union(trueCounts.keys)
        var dotPT = 0.0, dotPP = 0.0, dotTT = 0.0
        for k in classes {
            let p = Double(predictedCounts[k] ?? 0), t = Double(trueCounts[k] ?? 0)
            dotPT += p * t
            dotPP += p * p
            dotTT += t * t
        }
        let covariance = Double(correct) * samples - dotPT
        let predictedVariance = samples * samples - dotPP
        let trueVariance = samples * samples - dotTT
        guard predictedVariance * trueVariance != 0 else { return 0 }
        return covariance / (predictedVariance * trueVariance).squareRoot()
    }

    /// Pearson's r of `x` and `y` (as `scipy.stats.pearsonr`: centred, each side scaled to unit norm
    /// before the dot product, clipped to [-1, 1]). NaN when either side is constant, as SciPy returns
    /// (with its `ConstantInputWarning`) and the GLUE scripts built on it report.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "pearson needs two sequences of one length")
        guard x.count >= 2 else { return .nan }
        let meanX = x.reduce(0, +) / Double(x.count), meanY = y.reduce(0, +) / Double(y.count)
        let dx = x.map { $0 - meanX }, dy = y.map { $0 - meanY }
        let normX = dx.reduce(0) { $0 + $1 * $1 }.squareRoot(), normY = dy.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard normX > 0, normY > 0, x.allSatisfy({ $0 == x[0] }) == false, y.allSatisfy({ $0 == y[0] }) == false else {
            return .nan
        }
        var r = 0.0
        for i in dx.indices { r += (dx[i] / normX) * (dy[i] / normY) }
        return min(1, max(-1, r))
    }

    /// Spearman's ρ: Pearson's r of the average ranks (`scipy.stats.spearmanr`); NaN when a side is constant.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "spearman needs two sequences of one length")
        return pearson(averageRanks(x), averageRanks(y))
    }

    /// 1-based ranks with ties given the mean of the ranks they span (`scipy.stats.rankdata(method="average")`).
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            // Positions start..<end hold one value: ranks start+1 … end, whose mean is (start + 1 + end) / 2.
            let rank = Double(start + 1 + end) / 2
            for k in start..<end { ranks[order[k]] = rank }
            start = end
        }
        return ranks
    }
}
