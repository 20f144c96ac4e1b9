// Finite-difference checks of the classification heads with their losses: every parameter and the
// hidden states, with and without dropout, for each problem type.

import Electra
import ElectraNN
import ElectraTensor
import Testing
import _TestSupport

@Suite("Classification head gradients") struct ClassificationHeadGradientTests {
    let B = 3, T = 4, H = 6

    func randomized(_ layout: [(name: String, shape: [Int])], seed: UInt64) -> ParameterStore {
        let store = ParameterStore(layout: layout)
        var data = TestData(seed: seed)
        for entry in store.entries { store[entry.name].copy(from: data.tensor(entry.shape, scale: 0.5)) }
        return store
    }

    func check(_ name: String, tensors: [Tensor], analytic: [Tensor], names: [String], loss: () -> Double) {
        let errors = GradientCheck.sampledErrors(tensors, analytic: analytic, samples: 10, step: 1e-2, loss: loss)
        print("gradient check \(name): worst relative error \(errors.max()!)")
        for (tensor, error) in zip(names, errors) { #expect(error < 1e-2, "\(name) \(tensor): \(error)") }
    }

    @Test(arguments: ClassificationProblem.allCases, [Float(0), 0.3])
    func sequenceHead(problem: ClassificationProblem, dropout: Float) {
        let L = problem == .regression ? 1 : 3
        let store = randomized(SequenceClassificationHead.layout(hidden: H, labels: L), seed: 11)
        let gradients = store.zerosLike()
        let head = SequenceClassificationHead(store), gradientHead = SequenceClassificationHead(gradients)
        var data = TestData(seed: 12)
        let hidden = data.tensor([B * T, H])
        let targets: ClassificationTargets
        switch problem {
        case .singleLabel: targets = .classes([2, 0, 1])
        case .multiLabel: targets = .labelSets([1, 0, 1, 0, 0, 1, 1, 1, 0])
        case .regression: targets = .values([0.5, -1, 2])
        }
        let w = SequenceClassificationHead.Workspace(batch: B, length: T, hidden: H, labels: L, dropout: dropout)
        func loss() -> Double {
            var generator = RandomGenerator(seed: 3)
            head.forward(hidden, w, generator: &generator)
            return Double(head.loss(targets, hidden: hidden, w, dHidden: nil, gradients: nil))
        }
        var generator = RandomGenerator(seed: 3)
        head.forward(hidden, w, generator: &generator)
        let dHidden = Tensor(zeros: [B * T, H])
        _ = head.loss(targets, hidden: hidden, w, dHidden: dHidden, gradients: gradientHead, scale: 1)
        // Only the [CLS] rows receive a gradient.
        for b in 0..<B { for t in 1..<T { #expect(dHidden.rows((b * T + t)..<(b * T + t + 1)).scalars.allSatisfy { $0 == 0 }) } }
        let names = store.entries.map(\.name)
        check("sequence head (\(problem.rawValue), dropout \(dropout))", tensors: [hidden] + names.map { store[$0] },
              analytic: [dHidden] + names.map { gradients[$0] }, names: ["hidden"] + names, loss: loss)
    }

    @Test(arguments: [Float(0), 0.3]) func tokenHeadIgnoresLabelMinus100(dropout: Float) {
        let L = 4
        let store = randomized(TokenClassificationHead.layout(hidden: H, labels: L), seed: 21)
        let gradients = store.zerosLike()
        let head = TokenClassificationHead(store)
        var data = TestData(seed: 22)
        let hidden = data.tensor([B * T, H])
        let ignore = CrossEntropy.ignoreIndex
        let labels: [Int32] = [ignore, 1, 3, ignore, ignore, 0, ignore, ignore, ignore, 2, 2, ignore]
        let w = TokenClassificationHead.Workspace(positions: B * T, hidden: H, labels: L, dropout: dropout)
        func loss() -> Double {
            var generator = RandomGenerator(seed: 4)
            head.forward(hidden, w, generator: &generator)
            return Double(head.loss(labels, w, dHidden: nil, gradients: nil))
        }
        var generator = RandomGenerator(seed: 4)
        head.forward(hidden, w, generator: &generator)
        let dHidden = Tensor(zeros: [B * T, H])
        _ = head.loss(labels, w, dHidden: dHidden, gradients: TokenClassificationHead(gradients))
        for (row, label) in labels.enumerated() where label == ignore {
            #expect(dHidden.rows(row..<(row + 1)).scalars.allSatisfy { $0 == 0 }, "row \(row) is ignored")
        }
        let names = store.entries.map(\.name)
        check("token head (dropout \(dropout))", tensors: [hidden] + names.map { store[$0] },
              analytic: [dHidden] + names.map { gradients[$0] }, names: ["hidden"] + names, loss: loss)
    }
}
