import CoreKernel
import Foundation
import Language
import Nets

/// The summaries (`Information[value]`) of the values NetsKernel makes besides nets: images,
/// numeric arrays and training results.
extension ImageValue: SummarizedValue {
    package var summaryBox: SummaryBox {
        SummaryBox("Image", fields: [
            ("Dimensions", "\(image.width)x\(image.height)"),
            ("Color space", image.colorSpace.rawValue + (image.hasAlpha ? " with alpha" : "")),
            ("Channels", String(image.channels)),
        ])
    }

    /// Wolfram's `Options[image]`: the colour space, and whether channels are interleaved (None
    /// for a single channel).
    package var optionRules: [Expr] {
        [.rule(.sym("ColorSpace"), .string(image.colorSpace.rawValue)),
         .rule(.sym("Interleaving"), image.channels == 1 ? .sym("None") : .sym("True"))]
    }
}

extension ArrayValue: SummarizedValue {
    package var summaryBox: SummaryBox {
        SummaryBox("NumericArray", fields: [
            ("Type", "Real32"),
            ("Dimensions", tensor.shape.isEmpty ? "scalar" : tensor.shape.map(String.init).joined(separator: "x")),
            ("Elements", String(tensor.count)),
        ])
    }
}

extension TrainingResultValue: SummarizedValue {
    package var summaryBox: SummaryBox {
        let r = result
        var fields: [(name: String, value: String)] = [
            ("Trained net", NetValue(r.net).summary),
            ("Rounds", String(r.roundLosses.count)),
            ("Batch size", String(r.batchSize)),
            ("Loss function", loss.rawValue),
            ("Final loss", r.roundLosses.last.map(Printer.shortReal) ?? "not available"),
        ]
        if let v = r.validationLosses.last {
            fields.append(("Final validation loss", Printer.shortReal(v)))
            if let best = r.bestRound { fields.append(("Best validation round", String(best))) }
        }
        fields.append(("Training time", String(format: "%.2f s", r.seconds)))
        fields.append(("Properties", Self.propertyNames.joined(separator: ", ")))
        return SummaryBox("NetTrainResultsObject", fields: fields)
    }

    /// The settings the training ran with.
    package var optionRules: [Expr] {
        [.rule(.sym("BatchSize"), .integer(result.batchSize)),
         .rule(.sym("LossFunction"), .string(loss.rawValue))]
    }
}
