import Foundation
import Tensor

/// A least-squares fit of responses to columns of a design matrix, with the statistics a
/// fitted model reports: estimates and their standard errors, residuals, R² and adjusted R².
public struct LinearFit: Sendable {
    public private(set) var coefficients: [Double]
    public private(set) var standardErrors: [Double]
    public private(set) var residuals: [Double]
    public private(set) var fitted: [Double]
    public private(set) var rSquared: Double
    public private(set) var adjustedRSquared: Double
    /// The residual variance, Σ r²/(n − p).
    public private(set) var estimatedVariance: Double
    /// Residual degrees of freedom, n − p.
    public private(set) var degreesOfFreedom: Int

    /// Fits y ≈ X · c. `centered` says whether R² is measured about the mean (a model with a
    /// constant term) or about zero (one without), as Wolfram's `LinearModelFit` does.
    public init(design x: Matrix, response y: [Double], centered: Bool = true) throws {
        guard x.rows == y.count, x.rows > 0 else { throw LinearAlgebraError.shapeMismatch }
        let b = Matrix(rows: y.count, cols: 1, data: y)
        let (solution, _) = try LinearAlgebra.leastSquares(x, b)
        coefficients = solution.data
        fitted = try LinearAlgebra.multiply(x, solution).data
        residuals = zip(y, fitted).map { $0 - $1 }
        let n = y.count, p = x.cols
        let sse = residuals.reduce(0) { $0 + $1 * $1 }
        let mean = centered ? y.reduce(0, +) / Double(n) : 0
        let sst = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        rSquared = sst > 0 ? 1 - sse / sst : 1
        degreesOfFreedom = n - p
        let dfTotal = centered ? n - 1 : n
        adjustedRSquared = degreesOfFreedom > 0 ? 1 - (1 - rSquared) * Double(dfTotal) / Double(degreesOfFreedom) : .nan
        estimatedVariance = degreesOfFreedom > 0 ? sse / Double(degreesOfFreedom) : .nan
        let covariance = try LinearAlgebra.pseudoInverse(try LinearAlgebra.multiply(x.transposed, x))
        let s2 = estimatedVariance
        standardErrors = (0..<p).map { (covariance[$0, $0] * s2).squareRoot() }
    }

    /// The same statistics for another fit of the same design (a nonlinear fit's own
    /// parameters, residuals and R², its linearisation's standard errors); the adjusted R² is
    /// uncentered, as the R² given.
    public func replacing(coefficients: [Double], residuals: [Double], fitted: [Double], rSquared: Double) -> LinearFit {
        var copy = self
        copy.coefficients = coefficients
        copy.residuals = residuals
        copy.fitted = fitted
        copy.rSquared = rSquared
        let n = residuals.count
        copy.adjustedRSquared = degreesOfFreedom > 0 ? 1 - (1 - rSquared) * Double(n) / Double(degreesOfFreedom) : .nan
        return copy
    }
}
