// The SQuAD heads against a PyTorch reference (Tests/Fixtures/qa/, scripts/make_qa_fixtures.py):
// NVIDIA's joint head (training logits, loss, gradients; beam search) and Hugging Face's qa_outputs.

import Electra
import ElectraNN
import ElectraTensor
import Foundation
import Testing
import _TestSupport

@Suite("Question-answering heads") struct QuestionAnsweringHeadTests {
    let file: SafetensorsFile
    init() throws { file = try Fixtures.open("qa/joint_head.safetensors") }

    private func expectClose(_ name: String, _ actual: Tensor, _ expected: Tensor, atol: Double = 1e-6) {
        let comparison = Comparison(name, actual: actual, expected: expected, rtol: 1e-4, atol: atol)
        #expect(comparison.passed, "\(comparison)")
    }

    @Test func jointHeadTrainingMatches() throws {
        let hidden = try file.tensor("hidden")
        let (B, T, H) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
        let store = ParameterStore(layout: JointHead.layout(hidden: H, answerability: true))
        for entry in store.entries { store[entry.name].copy(from: try file.tensor("param.\(entry.name)")) }
        let head = JointHead(store, epsilon: 1e-12)
        let gradients = store.zerosLike()
        let workspace = JointHead.Workspace(batch: B, length: T, hidden: H)
        let flat = hidden.reshaped([B * T, H])
        let dHidden = Tensor(zeros: [B * T, H])
        let losses = head.train(flat, pMask: try file.tensor("p_mask").scalars, starts: try file.integers("start_positions").values,
                                ends: try file.integers("end_positions").values, impossible: try file.tensor("is_impossible").scalars,
                                workspace, dHidden: dHidden, gradients: JointHead(gradients, epsilon: 1e-12))
        expectClose("start logits", workspace.startLogits, try file.tensor("start_logits"))
        expectClose("end logits", workspace.endLogits, try file.tensor("end_logits"))
        expectClose("class logits", workspace.classLogits, try file.tensor("cls_logits"))
        #expect(abs(losses.total - (try file.tensor("loss").scalars[0])) < 1e-5, "loss \(losses.total)")
        for entry in gradients.entries {
            expectClose("d \(entry.name)", gradients[entry.name], try file.tensor("grad.\(entry.name)"))
        }
        expectClose("d hidden", dHidden, try file.tensor("grad.hidden").reshaped([B * T, H]))
    }

    @Test func jointHeadBeamSearchMatches() throws {
        let hidden = try file.tensor("hidden")
        let (B, T, H) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
        let store = ParameterStore(layout: JointHead.layout(hidden: H, answerability: true))
        for entry in store.entries { store[entry.name].copy(from: try file.tensor("param.\(entry.name)")) }
        let head = JointHead(store, epsilon: 1e-12)
        let beams = head.beamSearch(hidden.reshaped([B * T, H]), pMask: try file.tensor("p_mask").scalars, beamSize: 3,
                                    JointHead.Workspace(batch: B, length: T, hidden: H))
        let startIndex = try file.integers("start_top_index").values, endIndex = try file.integers("end_top_index").values
        let startLog = try file.tensor("start_top_log_probs").scalars, endLog = try file.tensor("end_top_log_probs").scalars
        let classLogits = try file.tensor("cls_logits_inference").scalars
        for b in 0..<B {
            #expect(beams[b].startIndices == startIndex[(b * 3)..<(b * 3 + 3)].map(Int.init))
            #expect(beams[b].endIndices == endIndex[(b * 9)..<(b * 9 + 9)].map(Int.init))
            for (x, y) in zip(beams[b].startLogProbabilities, startLog[(b * 3)..<(b * 3 + 3)]) { #expect(abs(x - y) < 1e-4) }
            for (x, y) in zip(beams[b].endLogProbabilities, endLog[(b * 9)..<(b * 9 + 9)]) { #expect(abs(x - y) < 1e-4) }
            #expect(abs(beams[b].classLogit - classLogits[b]) < 1e-4 * max(1, abs(classLogits[b])))
        }
    }

    @Test func spanHeadMatchesHuggingFace() throws {
        let hidden = try file.tensor("hidden")
        let (B, T, H) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
        let store = ParameterStore(layout: SpanHead.layout(hidden: H))
        for entry in store.entries { store[entry.name].copy(from: try file.tensor("qa.param.\(entry.name)")) }
        let head = SpanHead(store)
        let gradients = store.zerosLike()
        let workspace = SpanHead.Workspace(batch: B, length: T)
        let flat = hidden.reshaped([B * T, H])
        let (start, end) = head.forward(flat, batch: B, length: T, workspace)
        expectClose("qa start", start, try file.tensor("qa.start_logits"))
        expectClose("qa end", end, try file.tensor("qa.end_logits"))
        let dHidden = Tensor(zeros: [B * T, H])
        let loss = head.loss(hidden: flat, starts: try file.integers("start_positions").values, ends: try file.integers("end_positions").values,
                             batch: B, length: T, workspace, dHidden: dHidden, gradients: SpanHead(gradients))
        #expect(abs(loss - (try file.tensor("qa.loss").scalars[0])) < 1e-5)
        for entry in gradients.entries { expectClose("qa d \(entry.name)", gradients[entry.name], try file.tensor("qa.grad.\(entry.name)")) }
        expectClose("qa d hidden", dHidden, try file.tensor("qa.grad.hidden").reshaped([B * T, H]))
    }
}
