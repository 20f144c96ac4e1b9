// LabeledFeatures: the data readers' examples (`ClassificationDataset`, CoNLL sentences) into features,
// and a model's logits back into their labels and tags.

import ElectraData

extension ClassificationFeaturizer {
    /// A feature per example of `dataset` (its label as the target, when it has one); with
    /// `bothOrders` (Google's `double_unordered`, MRPC and STS-B) each pair a second time with its
    /// sentences swapped.
    public func features(_ dataset: ClassificationDataset, bothOrders: Bool = false) -> [ClassificationFeature] {
        var features: [ClassificationFeature] = []
        features.reserveCapacity(dataset.examples.count * (bothOrders ? 2 : 1))
        for (index, example) in dataset.examples.enumerated() {
            let target: SequenceTarget? = example.label.map {
                switch $0 {
                case .category(let c): return .category(c)
                case .score(let s): return .value(Float(s))
                }
            }
            features.append(sequence(example.text, pair: example.pair, target: target, example: index))
            if bothOrders, let pair = example.pair {
                features.append(sequence(pair, pair: example.text, target: target, example: index))
            }
        }
        return features
    }

    /// The features of CoNLL `sentences` (tags as indices into `tagSet`; a tag outside it is an
    /// error naming its sentence's line), pieces of one sentence sharing its index.
    public func features(_ sentences: [CoNLLSentence], tagSet: [String], labelled: Bool, path: String) throws -> [ClassificationFeature] {
        let index = Dictionary(tagSet.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var features: [ClassificationFeature] = []
        for (s, sentence) in sentences.enumerated() {
            var tags: [Int]? = nil
            if labelled {
                tags = try sentence.tags.map { tag in
                    guard let i = index[tag] else {
                        throw InputError.outOfRange(source: "\(path):\(sentence.line)", reason: "tag \(tag) is not one of the model's tags "
                                                    + "(\(tagSet.joined(separator: " "))); train with data that has it")
                    }
                    return i
                }
            }
            features += words(sentence.tokens, tags: tags, example: s)
        }
        return features
    }
}

extension ClassificationFineTuner {
    /// The predicted label of each sequence feature: the largest logit's class, or the value for regression.
    public func labels(_ features: [ClassificationFeature]) -> [ClassificationLabel] {
        precondition(model.kind == .sequence, "ClassificationFineTuner.labels: a sequence head")
        return logits(features).map { row in
            model.problem == .regression ? .score(Double(row[0])) : .category(row.indices.max { row[$0] < row[$1] }!)
        }
    }

    /// Multi-label: the labels whose logit is positive (probability above one half), per feature.
    public func labelSets(_ features: [ClassificationFeature]) -> [[Int]] {
        logits(features).map { row in row.indices.filter { row[$0] > 0 } }
    }

    /// The tag index of each word of `sentences` examples from token features: the largest logit at
    /// each word's first sub-token (`words[example][word]`; every word has one, see
    /// `ClassificationFeaturizer.words`).
    public func tags(_ features: [ClassificationFeature], wordCounts: [Int]) -> [[Int]] {
        precondition(model.kind == .token, "ClassificationFineTuner.tags: a token head")
        let L = model.outputs
        var tags = wordCounts.map { [Int](repeating: 0, count: $0) }
        for (feature, values) in zip(features, logits(features)) {
            for (t, word) in feature.words.enumerated() {
                guard let word else { continue }
                let row = values[(t * L)..<((t + 1) * L)]
                tags[feature.example][word] = row.indices.max { row[$0] < row[$1] }! - row.startIndex
            }
        }
        return tags
    }
}
