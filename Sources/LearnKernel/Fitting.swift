import CoreKernel
import Foundation
import Language
import Learn
import Randomness
import Tensor

// MARK: Functions of variables

/// The variables of a fitting or optimisation call: `x`, `{x, y}`, `{x, x0}`, `{{x, x0}, {y, y0}}`,
/// with their starting values (1 when none is given, as Wolfram's default).
private struct Variables {
    var names: [Expr] = []
    var starts: [Double] = []
    var secondStarts: [Double?] = []

    init?(_ e: Expr, singleStart: Bool) {
        if singleStart, let items = e.listItems, items.count >= 2, !items[0].isList, items[1].doubleValue != nil {
            // {x, x0} or {x, x0, x1}
            guard add(items[0], items[1].doubleValue, items.count > 2 ? items[2].doubleValue : nil) else { return nil }
            return
        }
        for v in e.listItems ?? [e] {
            if let spec = v.listItems, spec.count >= 2 {
                guard let start = spec[1].doubleValue else { return nil }
                guard add(spec[0], start, spec.count > 2 ? spec[2].doubleValue : nil) else { return nil }
            } else {
                guard add(v, 1, nil) else { return nil }
            }
        }
        if names.isEmpty { return nil }
    }

    private mutating func add(_ name: Expr, _ start: Double?, _ second: Double?) -> Bool {
        guard name.asSymbol != nil || (name.isAtom == false && !name.isList), let start else { return false }
        names.append(name); starts.append(start); secondStarts.append(second)
        return true
    }

    func rules(_ values: [Double]) -> Expr { .list(zip(names, values).map { .rule($0, .real($1)) }) }
}

/// `expr` with the variables replaced by values, evaluated.
private func substitute(_ expr: Expr, _ names: [Expr], _ values: [Double], _ c: Call) throws -> Expr {
    try c.evaluate(.call(Symbol.intern("ReplaceAll"), [expr, .list(zip(names, values).map { .rule($0, .real($1)) })]))
}

/// A real number from an evaluated expression (applying N to exact or symbolic numbers), or NaN.
private func realValue(_ e: Expr, _ c: Call) throws -> Double {
    if case .real(let d) = e { return d }
    if let d = e.doubleValue { return d }
    let n = try c.evaluate(Expr(Symbol.intern("N"), e))
    return n.doubleValue ?? .nan
}

/// The function value `expr` at the point, or a message (`f::nrnum`) and an error.
private func objective(_ expr: Expr, _ vars: Variables, _ c: Call) -> Optimization.Function {
    { point in
        let v = try substitute(expr, vars.names, point, c)
        let d = try realValue(v, c)
        if !d.isFinite { return .nan }
        return d
    }
}

/// Reports an optimisation failure with Wolfram's messages; other errors (an abort) go on.
private func report(_ error: Error, _ expr: Expr, _ vars: Variables, _ c: Call) throws {
    switch error {
    case OptimizationError.notNumeric(let point):
        let value = (try? substitute(expr, vars.names, point, c)) ?? expr
        c.message("nrnum", .string(short(value)), .list(vars.names), .reals(point))
    case OptimizationError.singularJacobian(let point):
        c.message("jsing", .list(vars.names), .reals(point))
    case let e as LinearAlgebraError:
        c.message("fail", text: "The computation failed: \(e).")
    default:
        throw error
    }
}

// MARK: Data

/// Fitting data: `{y1, y2, ...}` (x = 1, 2, ...) or `{{x1, ..., y}, ...}`.
private func fittingData(_ e: Expr, variables: Int) -> (x: [[Double]], y: [Double])? {
    guard let rows = e.listItems, !rows.isEmpty else { return nil }
    if let ys = e.realValues, variables == 1 {
        return (ys.indices.map { [Double($0 + 1)] }, ys)
    }
    var xs: [[Double]] = [], ys: [Double] = []
    for r in rows {
        guard let v = r.realValues, r.isList, v.count == variables + 1 else { return nil }
        xs.append(Array(v.dropLast())); ys.append(v[variables])
    }
    return (xs, ys)
}

private func variableNames(_ e: Expr) -> [Expr] { e.listItems ?? [e] }

/// The design matrix: each basis function at each data point.
private func designMatrix(_ basis: [Expr], _ vars: [Expr], _ xs: [[Double]], _ c: Call) throws -> Matrix? {
    var m = Matrix(zeros: xs.count, basis.count)
    let f = try c.evaluate(.list(basis))
    for (i, x) in xs.enumerated() {
        let row = try substitute(f, vars, x, c)
        for j in 0..<basis.count {
            let d = try realValue(row.args[j], c)
            guard d.isFinite else { return nil }
            m[i, j] = d
        }
    }
    return m
}

/// The sum of coefficients times basis functions, evaluated.
private func combination(_ coefficients: [Double], _ basis: [Expr], _ c: Call) throws -> Expr {
    try c.evaluate(.call(Sym.Plus, zip(coefficients, basis).map { .call(Sym.Times, [.real($0), $1]) }))
}

// MARK: Fitted models

/// A fitted model (`LinearModelFit`, `NonlinearModelFit`): its best fit, parameters and their
/// statistics; `model[x]` evaluates the best fit, `model["prop"]` gives a property.
final class FittedModelValue: PropertyValue {
    let bestFit: Expr
    let variables: [Expr]
    let parameterNames: [Expr]
    let fit: LinearFit
    let data: Expr
    let design: Matrix?
    let response: [Double]

    init(bestFit: Expr, variables: [Expr], parameterNames: [Expr], fit: LinearFit, data: Expr, design: Matrix?, response: [Double]) {
        self.bestFit = bestFit
        self.variables = variables
        self.parameterNames = parameterNames
        self.fit = fit
        self.data = data
        self.design = design
        self.response = response
    }

    var headName: String { "FittedModel" }
    var summary: String { "FittedModel[" + OutputForm.string(bestFit) + "]" }

    func apply(_ c: Call) throws -> Expr? {
        guard c.count >= 1 else { return nil }
        if c.count == 1, c[0].asString != nil { return try property(c[0], c) }
        guard c.count == variables.count else { return nil }
        return try c.evaluate(.call(Symbol.intern("ReplaceAll"), [bestFit, .list(zip(variables, c.args).map { .rule($0, $1) })]))
    }

    /// Two-sided p-values of the t statistics, from Student's t distribution.
    var pValues: [Double] {
        let df = Double(fit.degreesOfFreedom)
        return zip(fit.coefficients, fit.standardErrors).map { b, se in
            let t = b / se
            guard df > 0, t.isFinite else { return .nan }
            return Special.betaI(df / (df + t * t), df / 2, 0.5)
        }
    }

    var tableEntries: [[Double]] {
        (0..<fit.coefficients.count).map { i in [fit.coefficients[i], fit.standardErrors[i], fit.coefficients[i] / fit.standardErrors[i], pValues[i]] }
    }

    /// The parameter table as aligned text: a row per parameter, the columns Wolfram shows.
    var parameterTable: String {
        let header = ["", "Estimate", "Standard Error", "t-Statistic", "P-Value"]
        let rows = zip(parameterNames, tableEntries).map { name, e in [OutputForm.string(name)] + e.map { OutputForm.string(.real($0)) } }
        let all = [header] + rows
        let widths = (0..<header.count).map { j in all.map { $0[j].count }.max() ?? 0 }
        return all.map { r in
            String(r.enumerated().map { j, s in s.padding(toLength: widths[j], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .reversed().drop { $0 == " " }.reversed())
        }.joined(separator: "\n")
    }

    static var properties: [Property<FittedModelValue>] {
        [
            Property("BestFit") { m, _ in m.bestFit },
            Property("BestFitParameters") { m, _ in
                m.parameterNames.allSatisfy({ $0.asSymbol != nil && !$0.isNumber }) && m.design == nil
                    ? .list(zip(m.parameterNames, m.fit.coefficients).map { .rule($0, .real($1)) }) : .reals(m.fit.coefficients)
            },
            Property("ParameterTable") { m, _ in .string(m.parameterTable) },
            Property("ParameterTableEntries") { m, _ in .list(m.tableEntries.map { .reals($0) }) },
            Property("ParameterErrors") { m, _ in .reals(m.fit.standardErrors) },
            Property("ParameterPValues") { m, _ in .reals(m.pValues) },
            Property("RSquared") { m, _ in .real(m.fit.rSquared) },
            Property("AdjustedRSquared") { m, _ in .real(m.fit.adjustedRSquared) },
            Property("FitResiduals") { m, _ in .reals(m.fit.residuals) },
            Property("Residuals") { m, _ in .reals(m.fit.residuals) },
            Property("PredictedResponse") { m, _ in .reals(m.fit.fitted) },
            Property("Response") { m, _ in .reals(m.response) },
            Property("EstimatedVariance") { m, _ in .real(m.fit.estimatedVariance) },
            Property("DesignMatrix") { m, _ in m.design.map { .matrix($0) } ?? .missing("NotAvailable") },
            Property("Data") { m, _ in m.data },
            Property("Function") { m, _ in Expr(Symbol.intern("Function"), .list(m.variables), m.bestFit) },
        ]
    }
}

/// The standard errors and statistics of a nonlinear fit, from its Jacobian at the optimum
/// (the linearised model's `LinearFit`, whose residuals are the nonlinear ones).
private func linearisedFit(_ jacobian: Matrix, residuals: [Double], response: [Double], parameters: [Double]) throws -> LinearFit {
    // y ≈ J p reproduces the residual sum of squares of the nonlinear fit when fitted exactly at
    // its solution; the response used is the fitted values plus the residuals.
    let shifted = try LinearAlgebra.multiply(jacobian, Matrix(rows: parameters.count, cols: 1, data: parameters)).data
    let pseudo = zip(shifted, residuals).map { $0 + $1 }
    let lin = try LinearFit(design: jacobian, response: pseudo, centered: false)
    _ = response
    return lin
}

// MARK: Builtins

private let nrnum = "The function value `1` is not a real number at `2` = `3`."

extension Kernel {
    static var fittingBuiltins: [Builtin] {
        [
            Builtin("Fit", [.protected], usage: "Fit[data, {f1, f2, ...}, x] gives the linear combination of the functions fi of x that fits data (a list of y values at x = 1, 2, ..., or of {x, y} pairs; {x1, x2, y} with variables {x1, x2}) in the least-squares sense.",
                    arity: .exactly(3), messages: ["fitd": "First argument `1` in `2` is not a list or a rectangular array."],
                    examples: [("Fit[{{0, 1}, {1, 0}, {3, 2}, {5, 4}}, {1, x}, x]", "0.186441 + 0.694915 x")]) { c in
                let vars = variableNames(c[2]), basis = c[1].listItems ?? [c[1]]
                guard let (xs, ys) = fittingData(c[0], variables: vars.count) else { c.message("fitd", c[0], c.whole); return nil }
                return try lapack(c) {
                    guard let x = try designMatrix(basis, vars, xs, c) else { return nil }
                    return try combination(try LinearAlgebra.leastSquares(x, Matrix(rows: ys.count, cols: 1, data: ys)).x.data, basis, c)
                }
            },
            Builtin("LinearModelFit", [.protected], usage: "LinearModelFit[data, {f1, ...}, x] fits a linear combination of a constant and the fi to data, giving a FittedModel: lm[\"BestFit\"], \"ParameterTable\", \"RSquared\", \"AdjustedRSquared\", \"FitResiduals\" (or \"Residuals\"), \"BestFitParameters\", ...; lm[x0] evaluates the fit at x0.",
                    arity: .exactly(3), options: [("IncludeConstantBasis", .bool(true))],
                    messages: ["fitd": "First argument `1` in `2` is not a list or a rectangular array."],
                    examples: [("LinearModelFit[{{0, 1}, {1, 0}, {3, 2}, {5, 4}}, x, x][\"BestFit\"]", "0.186441 + 0.694915 x"),
                               ("LinearModelFit[{{0, 1}, {1, 0}, {3, 2}, {5, 4}}, x, x][2]", "1.57627")]) { c in
                let vars = variableNames(c[2])
                var basis = c[1].listItems ?? [c[1]]
                if c.option("IncludeConstantBasis").isTrue && !basis.contains(.integer(1)) { basis.insert(.integer(1), at: 0) }
                guard let (xs, ys) = fittingData(c[0], variables: vars.count) else { c.message("fitd", c[0], c.whole); return nil }
                return try lapack(c) {
                    guard let x = try designMatrix(basis, vars, xs, c) else { return nil }
                    let fit = try LinearFit(design: x, response: ys, centered: basis.contains(.integer(1)))
                    let best = try combination(fit.coefficients, basis, c)
                    return .native(FittedModelValue(bestFit: best, variables: vars, parameterNames: basis, fit: fit, data: c[0], design: x, response: ys))
                }
            },
            Builtin("NonlinearModelFit", [.protected], usage: "NonlinearModelFit[data, form, {a, b, ...}, x] fits the parameters a, b, ... of form (starting at 1, or {{a, a0}, ...}) by Levenberg–Marquardt least squares, giving a FittedModel as LinearModelFit does (its RSquared is uncentered, as Wolfram's).",
                    arity: .exactly(4), messages: ["nrlnum": nrnum, "jsing": "Encountered a singular Jacobian at the point `1` = `2`.", "fitd": "First argument `1` in `2` is not a list or a rectangular array."],
                    examples: [("Round[{a, b} /. NonlinearModelFit[{{0, 1.}, {1, 2.7183}, {2, 7.3891}}, a Exp[b x], {a, b}, x][\"BestFitParameters\"], 0.001]", "{1., 1.}")]) { c in
                guard let model = try nonlinearFit(c) else { return nil }
                return .native(model)
            },
            Builtin("FindFit", [.protected], usage: "FindFit[data, form, {a, b, ...}, x] gives the values of the parameters that fit form to data in the least-squares sense, as rules (Levenberg–Marquardt from 1, or from {{a, a0}, ...}).",
                    arity: .exactly(4), messages: ["nrlnum": nrnum, "jsing": "Encountered a singular Jacobian at the point `1` = `2`.", "fitd": "First argument `1` in `2` is not a list or a rectangular array."],
                    examples: [("FindFit[{{1, 3.}, {2, 5.}, {3, 7.}}, a x + b, {a, b}, x]", "{a -> 2., b -> 1.}")]) { c in
                guard let model = try nonlinearFit(c) else { return nil }
                return .list(zip(model.parameterNames, model.fit.coefficients).map { .rule($0, .real($1)) })
            },
            minimizer("FindMinimum", sign: 1, usage: "FindMinimum[f, {x, x0}] searches for a local minimum of f from x = x0 (BFGS with numeric gradients); FindMinimum[f, {{x, x0}, {y, y0}}] in several variables. Gives {fmin, {x -> xmin, ...}}.",
                      example: ("FindMinimum[(x - 2)^2 + 1, {x, 0}]", "{1., {x -> 2.}}")),
            minimizer("FindMaximum", sign: -1, usage: "FindMaximum[f, {x, x0}] searches for a local maximum of f from x = x0; gives {fmax, {x -> xmax, ...}}.",
                      example: ("FindMaximum[-(x - 2)^2 + 1, {x, 0}]", "{1., {x -> 2.}}")),
            globalMinimizer("NMinimize", sign: 1, usage: "NMinimize[f, {x, y, ...}] searches for the global minimum of f (Nelder–Mead from random starts; starts in [-1, 1] or in the bounds a <= x <= b given in NMinimize[{f, constraints}, vars]); gives {fmin, {x -> xmin, ...}}.",
                            example: ("NMinimize[(x - 1)^2 + (y + 2)^2, {x, y}]", "{0., {x -> 1., y -> -2.}}")),
            globalMinimizer("NMaximize", sign: -1, usage: "NMaximize[f, {x, y, ...}] searches for the global maximum of f; gives {fmax, {x -> xmax, ...}}.",
                            example: ("NMaximize[{x (1 - x), 0 <= x <= 1}, x]", "{0.25, {x -> 0.5}}")),
            Builtin("FindRoot", [.protected], usage: "FindRoot[f, {x, x0}] finds a root of f (or of lhs == rhs) by Newton's method from x0; FindRoot[f, {x, x0, x1}] by the secant method; FindRoot[{f1, f2, ...}, {{x, x0}, {y, y0}, ...}] solves a system. Gives {x -> root, ...}.",
                    arity: .exactly(2), messages: ["nrnum": nrnum, "jsing": "Encountered a singular Jacobian at the point `1` = `2`. Try perturbing the initial point(s).", "fail": "`1`"],
                    examples: [("FindRoot[x^2 == 2, {x, 1}]", "{x -> 1.41421}"), ("FindRoot[Cos[x] - x, {x, 0, 1}]", "{x -> 0.739085}")]) { c in
                guard let vars = Variables(c[1], singleStart: true) else { return nil }
                let equations = (c[0].listItems ?? [c[0]]).map { e -> Expr in
                    e.hasHead(Symbol.intern("Equal")) && e.args.count == 2 ? .call(Sym.Plus, [e.args[0], .call(Sym.Times, [.integer(-1), e.args[1]])]) : e
                }
                let f: ([Double]) throws -> [Double] = { point in
                    let v = try substitute(.list(equations), vars.names, point, c)
                    return try v.args.map { try realValue($0, c) }
                }
                do {
                    let root = try Optimization.root(f, from: vars.starts, secondStart: vars.secondStarts.first ?? nil)
                    return vars.rules(root)
                } catch {
                    try report(error, .list(equations), vars, c)
                    return nil
                }
            },
        ]
    }
}

/// FindMinimum / FindMaximum: BFGS from the given start.
private func minimizer(_ name: String, sign: Double, usage: String, example: (String, String)) -> Builtin {
    Builtin(name, [.protected], usage: usage, arity: .atLeast(2), messages: ["nrnum": nrnum, "fail": "`1`"], examples: [example]) { c in
        guard let vars = Variables(c[1], singleStart: true) else { return nil }
        let (expr, constraints) = objectiveAndConstraints(c[0])
        let raw = objective(expr, vars, c)
        let penalty = feasibility(constraints, vars, c)
        let f: Optimization.Function = { x in try penalty(x) ? sign * raw(x) : .nan }
        do {
            let r = try Optimization.bfgs(f, from: vars.starts)
            return .list([.real(sign * r.value), vars.rules(r.point)])
        } catch {
            try report(error, expr, vars, c)
            return nil
        }
    }
}

/// NMinimize / NMaximize: Nelder–Mead from several starts (seeded, so repeatable).
private func globalMinimizer(_ name: String, sign: Double, usage: String, example: (String, String)) -> Builtin {
    Builtin(name, [.protected], usage: usage, arity: .atLeast(2), messages: ["nrnum": nrnum, "fail": "`1`"], examples: [example]) { c in
        guard let vars = Variables(c[1], singleStart: false) else { return nil }
        let (expr, constraints) = objectiveAndConstraints(c[0])
        let raw = objective(expr, vars, c)
        let feasible = feasibility(constraints, vars, c)
        let f: Optimization.Function = { x in try feasible(x) ? sign * raw(x) : .nan }
        let box = vars.names.map { bounds($0, constraints) }
        var generator = SeededGenerator(seed: 0)
        do {
            let r = try Optimization.globalMinimum(f, box: box, starts: 10, using: &generator)
            guard r.value.isFinite else { throw OptimizationError.notNumeric(r.point) }
            let value = abs(r.value) < 1e-14 ? 0 : sign * r.value
            return .list([.real(value), vars.rules(r.point.map { abs($0) < 1e-9 ? 0 : $0 })])
        } catch {
            try report(error, expr, vars, c)
            return nil
        }
    }
}

/// `{f, cons...}` or `{f, cons1 && cons2}` into the objective and its constraints.
private func objectiveAndConstraints(_ e: Expr) -> (Expr, [Expr]) {
    guard let items = e.listItems, items.count >= 2 else { return (e, []) }
    let constraints = items.dropFirst().flatMap { $0.hasHead(Symbol.intern("And")) ? $0.args : [$0] }
    return (items[0], Array(constraints))
}

/// Whether a point satisfies the constraints (all evaluate to True).
private func feasibility(_ constraints: [Expr], _ vars: Variables, _ c: Call) -> ([Double]) throws -> Bool {
    guard !constraints.isEmpty else { return { _ in true } }
    return { point in try substitute(.call(Symbol.intern("And"), constraints), vars.names, point, c).isTrue }
}

/// The range a constraint `a <= x <= b` (or `a < x < b`, `x >= a`...) gives a variable; [-1, 1]
/// where none does.
private func bounds(_ v: Expr, _ constraints: [Expr]) -> (Double, Double) {
    var lo = -1.0, hi = 1.0
    var haveLo = false, haveHi = false
    for k in constraints {
        let a = k.args
        guard let h = k.headSymbol?.name else { continue }
        if ["LessEqual", "Less"].contains(h), a.count == 3, a[1] == v, let l = a[0].doubleValue, let u = a[2].doubleValue {
            lo = l; hi = u; haveLo = true; haveHi = true
        } else if ["LessEqual", "Less"].contains(h), a.count == 2 {
            if a[0] == v, let u = a[1].doubleValue { hi = u; haveHi = true }
            if a[1] == v, let l = a[0].doubleValue { lo = l; haveLo = true }
        } else if ["GreaterEqual", "Greater"].contains(h), a.count == 2 {
            if a[0] == v, let l = a[1].doubleValue { lo = l; haveLo = true }
            if a[1] == v, let u = a[0].doubleValue { hi = u; haveHi = true }
        }
    }
    if haveLo && !haveHi { hi = lo + 2 }
    if haveHi && !haveLo { lo = hi - 2 }
    return (lo, hi)
}

/// NonlinearModelFit and FindFit: Levenberg–Marquardt on the residuals.
private func nonlinearFit(_ c: Call) throws -> FittedModelValue? {
    guard let params = Variables(c[2], singleStart: false) else { return nil }
    let vars = variableNames(c[3])
    guard let (xs, ys) = fittingData(c[0], variables: vars.count) else { c.message("fitd", c[0], c.whole); return nil }
    let form = c[1]
    let residuals: ([Double]) throws -> [Double] = { p in
        let g = try substitute(form, params.names, p, c)
        return try zip(xs, ys).map { x, y in y - (try realValue(try substitute(g, vars, x, c), c)) }
    }
    do {
        let (p, jacobian) = try Optimization.levenbergMarquardt(residuals, from: params.starts)
        let r = try residuals(p)
        // The Jacobian of the residuals is minus that of the model.
        var j = jacobian
        for i in j.data.indices { j.data[i] = -j.data[i] }
        let lin = try linearisedFit(j, residuals: r, response: ys, parameters: p)
        let best = try substitute(form, params.names, p, c)
        let fit = try LinearFit(adopting: lin, coefficients: p, residuals: r, response: ys)
        return FittedModelValue(bestFit: best, variables: vars, parameterNames: params.names, fit: fit, data: c[0], design: nil, response: ys)
    } catch {
        try report(error, form, params, c)
        return nil
    }
}

extension LinearFit {
    /// A nonlinear fit's statistics: the parameters, residuals and uncentered R² of the fit itself,
    /// the standard errors of its linearisation.
    init(adopting lin: LinearFit, coefficients: [Double], residuals: [Double], response: [Double]) throws {
        let sse = residuals.reduce(0) { $0 + $1 * $1 }, sst = response.reduce(0) { $0 + $1 * $1 }
        self = lin.replacing(coefficients: coefficients, residuals: residuals,
                             fitted: zip(response, residuals).map { $0 - $1 },
                             rSquared: sst > 0 ? 1 - sse / sst : 1)
    }
}

/// Runs a linear-algebra computation inside a builtin, turning LAPACK failures into nil.
private func lapack(_ c: Call, _ body: () throws -> Expr?) throws -> Expr? {
    do { return try body() } catch is LinearAlgebraError { return nil }
}
