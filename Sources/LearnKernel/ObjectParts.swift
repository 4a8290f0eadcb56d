import CoreKernel
import Language

// Learned functions and measurement objects take parts as the `Head[<|...|>]` expressions
// Wolfram shows for them (see CompoundValue): `c[[1]]` is an association of their main
// properties, `Length[c]` is 1.

extension ClassifierValue: CompoundValue {
    func contents(_ c: Call) throws -> [(String, Expr)] {
        try Self.information.map { ($0.name, try $0.get(self, c)) }
    }
}

extension PredictorValue: CompoundValue {
    func contents(_ c: Call) throws -> [(String, Expr)] {
        try Self.information.map { ($0.name, try $0.get(self, c)) }
    }
}

extension FittedModelValue: CompoundValue {
    func contents(_ c: Call) throws -> [(String, Expr)] {
        try properties(["BestFit", "BestFitParameters", "RSquared", "AdjustedRSquared"], c)
    }
}

extension PredictorMeasurementsValue: CompoundValue {
    func contents(_ c: Call) throws -> [(String, Expr)] {
        [("Method", .string(method))] + (try properties(["StandardDeviation", "MeanSquare", "RSquared"], c))
    }
}

extension MeasurementsValue: CompoundValue {
    func contents(_ c: Call) throws -> [(String, Expr)] {
        [("Method", .string(method)), ("Classes", .list(classes)), ("TestExampleNumber", .integer(actual.count)),
         ("Accuracy", .real(accuracy))]
    }
}
