import CoreKernel
import Language
import Tensor

/// A NetTrainResultsObject takes parts as `NetTrainResultsObject[<|...|>]` (see CompoundValue).
extension TrainingResultValue: CompoundValue {
    func contents(_ c: Call) throws -> [(String, Expr)] {
        try properties(["TrainedNet", "RoundLossList", "ValidationLossList", "BatchSize", "TotalTrainingTime"], c)
    }
}

/// A NumericArray has the length of its leading axis, and `a[[i]]` gives row i (a number of a
/// vector, a NumericArray of a deeper array), as in Wolfram; other specifications (`a[[2 ;; 3]]`,
/// `a[[All, 1]]`, `a[[{1, 3}]]`) go through `Part` of `Normal[a]`, and what is an array again is
/// a NumericArray again.
extension ArrayValue {
    package var length: Int? { tensor.shape.first }

    package func part(_ spec: Expr, _ c: Call) throws -> Expr? {
        guard let lead = tensor.shape.first, let i = spec.intValue, spec.isInteger, i != 0 else { return nil }
        let k = i > 0 ? i - 1 : lead + i
        guard k >= 0, k < lead else { throw MissingPart(spec) }
        let row = try tensor.slice(k..<(k + 1))
        if tensor.rank == 1 { return .real(Double(row.values[0])) }
        return Expr.array(try Tensor(shape: Array(tensor.shape.dropFirst()), values: row.values))
    }

    package func parts(_ specs: ArraySlice<Expr>, of partOf: (Expr) throws -> Expr) throws -> Expr? {
        let r = try partOf(exprFromTensor(tensor))
        guard r.listItems != nil, let t = r.asTensor else { return r }
        return Expr.array(t)
    }
}
