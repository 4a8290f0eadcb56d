import CoreKernel
import Language
import Tensor

/// A matrix of numbers as the language holds it: machine numbers (some entry is a Real), computed
/// with LAPACK, or exact ones (integers and rationals), computed exactly by elimination.
enum NumericMatrix {
    case machine(Matrix)
    case exact([[Expr]])

    /// The matrix in `e`, if it is a non-empty rectangular list of lists of numbers.
    init?(_ e: Expr) {
        guard let rows = e.listItems, let first = rows.first?.listItems, !first.isEmpty else { return nil }
        if let p = e.packedArray, p.dims.count == 2, p.hasReal || p.data.count > NumericMatrix.exactLimit, let m = p.matrix {
            self = .machine(m)
            return
        }
        var cells: [[Expr]] = []
        var machine = false
        for r in rows {
            guard let items = r.listItems, items.count == first.count else { return nil }
            for x in items {
                guard x.isNumber, x.doubleValue != nil else { return nil }
                if !x.isExactNumber { machine = true }
            }
            cells.append(items)
        }
        if machine || rows.count * first.count > NumericMatrix.exactLimit {
            let values = cells.map { $0.compactMap(\.doubleValue) }
            guard let m = Matrix(values) else { return nil }
            self = .machine(m)
        } else {
            self = .exact(cells)
        }
    }

    /// Exact matrices larger than this many entries are computed in machine numbers.
    static let exactLimit = 3600

    var machine: Matrix {
        switch self {
        case .machine(let m): return m
        case .exact(let cells): return Matrix(cells.map { $0.map { $0.doubleValue ?? .nan } }) ?? Matrix(zeros: 0, 0)
        }
    }

    var rows: Int { machine.rows }
    var isSquare: Bool {
        switch self {
        case .machine(let m): return m.rows == m.cols
        case .exact(let c): return c.count == c[0].count
        }
    }
}

extension PackedArray {
    /// The contents as a matrix when they are one (rows x columns); a vector as one column.
    var matrix: Matrix? {
        switch dims.count {
        case 1: return Matrix(rows: dims[0], cols: 1, data: data)
        case 2: return Matrix(rows: dims[0], cols: dims[1], data: data)
        default: return nil
        }
    }
}

extension Expr {
    /// A machine matrix as a list of lists of reals carrying its entries packed, marked
    /// evaluated: a list of reals is its own value, so the evaluator need not walk it again.
    static func matrix(_ m: Matrix, _ c: Call) -> Expr { packed(m.data, [m.rows, m.cols], c) }

    /// A vector of machine reals carrying its entries packed, marked evaluated.
    static func reals(_ xs: [Double], _ c: Call) -> Expr { packed(xs, [xs.count], c) }

    /// Machine reals of the given dimensions, packed and marked evaluated (rows too).
    static func packed(_ data: [Double], _ dims: [Int], _ c: Call) -> Expr {
        guard let e = Expr.packed(data, dims: dims) else { return .list([]) }
        markLists(e, depth: dims.count, c)
        return e
    }

    /// Marks `e` and its sublists down to `depth` levels as evaluated, without looking at the
    /// entries: for arrays known to hold only machine numbers (packed ones, draws).
    static func markLists(_ e: Expr, depth: Int, _ c: Call) {
        guard depth > 0, e.isList else { return }
        // A list made from packed contents is its own value without a look inside.
        if case .normal(let n) = e, n.isPackedOnly { return }
        if depth > 1 { for x in e.args { markLists(x, depth: depth - 1, c) } }
        c.evaluator.markEvaluated(e)
    }

    /// `e`, marked evaluated where it is a list of machine numbers or of such lists (what the
    /// evaluator would find unchanged); anything else in it is left for the evaluator.
    static func evaluated(_ e: Expr, _ c: Call) -> Expr {
        if case .normal(let n) = e, let p = n.packedIfMade { markLists(e, depth: p.dims.count, c); return e }
        markNumeric(e, c)
        return e
    }

    @discardableResult
    private static func markNumeric(_ e: Expr, _ c: Call) -> Bool {
        guard e.isList else { return false }
        for x in e.args {
            switch x {
            case .real, .integer: continue
            default: if !markNumeric(x, c) { return false }
            }
        }
        c.evaluator.markEvaluated(e)
        return true
    }

    static func matrix(_ m: Matrix) -> Expr { .list(m.rowArrays.map { .reals($0) }) }
    static func matrix(_ cells: [[Expr]]) -> Expr { .list(cells.map { .list($0) }) }
}

/// The right-hand side b of `LinearSolve`: a vector as one column; a packed vector of machine
/// numbers read without a walk.
private func rightHandSide(_ b: Expr, vector: Bool) -> NumericMatrix? {
    guard vector else { return NumericMatrix(b) }
    if let p = b.packedArray, p.hasReal, p.dims.count == 1 { return .machine(Matrix(rows: p.rows, cols: 1, data: p.data)) }
    return NumericMatrix(.list((b.listItems ?? []).map { .list([$0]) }))
}

// MARK: Exact elimination

/// Exact arithmetic on integers and rationals (nil if an operand is not an exact number).
private func add(_ a: Expr, _ b: Expr) -> Expr { Numbers.add(a, b) ?? .integer(0) }
private func mul(_ a: Expr, _ b: Expr) -> Expr { Numbers.multiply(a, b) ?? .integer(0) }
private func neg(_ a: Expr) -> Expr { Numbers.negate(a) ?? .integer(0) }

/// Gauss–Jordan elimination of an exact matrix: its reduced row echelon form, the pivot
/// columns, and (for a square matrix) the determinant.
struct ExactReduction {
    var rows: [[Expr]]
    var pivots: [Int] = []
    var determinant: Expr = .integer(1)

    init(_ m: [[Expr]]) {
        rows = m
        let nr = m.count, nc = m.first?.count ?? 0
        var r = 0
        for col in 0..<nc where r < nr {
            guard let p = (r..<nr).first(where: { !Numbers.isZero(rows[$0][col]) }) else { determinant = .integer(0); continue }
            if p != r { rows.swapAt(p, r); determinant = neg(determinant) }
            let pivot = rows[r][col]
            determinant = mul(determinant, pivot)
            let inverse = Numbers.reciprocal(pivot) ?? .integer(0)
            rows[r] = rows[r].map { mul($0, inverse) }
            for i in 0..<nr where i != r && !Numbers.isZero(rows[i][col]) {
                let f = neg(rows[i][col])
                for j in col..<nc { rows[i][j] = add(rows[i][j], mul(f, rows[r][j])) }
            }
            pivots.append(col)
            r += 1
        }
        if nr != nc || pivots.count < nr { determinant = .integer(0) }
    }

    var rank: Int { pivots.count }

    /// A basis of the null space, as Wolfram's `NullSpace` gives it: one vector per free column
    /// (last free column first), that column set to 1.
    var nullSpace: [[Expr]] {
        let nc = rows.first?.count ?? 0
        let free = (0..<nc).filter { !pivots.contains($0) }
        return free.reversed().map { f in
            var v = [Expr](repeating: .integer(0), count: nc)
            v[f] = .integer(1)
            for (r, p) in pivots.enumerated() { v[p] = neg(rows[r][f]) }
            return v
        }
    }
}

/// The least-squares solution of a · x ≈ b by the normal equations (aᵀa) x = aᵀb, exactly; nil
/// when a has dependent columns (the minimum-norm answer then comes from LAPACK).
private func exactLeastSquares(_ a: [[Expr]], _ b: [[Expr]]) -> [[Expr]]? {
    let t = (0..<(a.first?.count ?? 0)).map { j in a.map { $0[j] } }
    let bt = (0..<(b.first?.count ?? 0)).map { j in b.map { $0[j] } }
    func dot(_ u: [Expr], _ v: [Expr]) -> Expr { zip(u, v).reduce(Expr.integer(0)) { add($0, mul($1.0, $1.1)) } }
    let ata = t.map { r in t.map { dot(r, $0) } }
    let atb = t.map { r in bt.map { dot(r, $0) } }
    guard ExactReduction(ata).rank == ata.count else { return nil }
    return exactSolve(ata, atb)
}

/// The product of two exact matrices.
private func product(_ a: [[Expr]], _ b: [[Expr]]) -> [[Expr]] {
    let columns = (0..<(b.first?.count ?? 0)).map { j in b.map { $0[j] } }
    return a.map { row in columns.map { col in zip(row, col).reduce(Expr.integer(0)) { add($0, mul($1.0, $1.1)) } } }
}

private func transpose(_ a: [[Expr]]) -> [[Expr]] { (0..<(a.first?.count ?? 0)).map { j in a.map { $0[j] } } }

/// The Moore–Penrose pseudo-inverse of an exact matrix, from its rank factorisation a = C F (C
/// the pivot columns of a, F the non-zero rows of its reduced row echelon form):
/// a⁺ = Fᵀ (F Fᵀ)⁻¹ (Cᵀ C)⁻¹ Cᵀ. Nil only if a step finds no solution (it cannot, for exact input).
private func exactPseudoInverse(_ a: [[Expr]]) -> [[Expr]]? {
    let rows = a.count, cols = a.first?.count ?? 0
    let reduced = ExactReduction(a)
    guard reduced.rank > 0 else { return [[Expr]](repeating: [Expr](repeating: .integer(0), count: rows), count: cols) }
    let f = Array(reduced.rows.prefix(reduced.rank))
    let cMatrix = a.map { row in reduced.pivots.map { row[$0] } }
    let ct = transpose(cMatrix), ft = transpose(f)
    guard let x = exactSolve(product(ct, cMatrix), ct), let y = exactSolve(product(f, ft), x) else { return nil }
    return product(ft, y)
}

/// Solves a · x = b exactly (b a vector or a matrix of right-hand sides as columns); nil when
/// there is no solution. Free variables are set to 0, as Wolfram's `LinearSolve` does.
private func exactSolve(_ a: [[Expr]], _ b: [[Expr]]) -> [[Expr]]? {
    let n = a.first?.count ?? 0, k = b.first?.count ?? 0
    let augmented = zip(a, b).map { $0 + $1 }
    let red = ExactReduction(augmented)
    if red.pivots.contains(where: { $0 >= n }) { return nil }
    var x = [[Expr]](repeating: [Expr](repeating: .integer(0), count: k), count: n)
    for (r, p) in red.pivots.enumerated() { x[p] = Array(red.rows[r][n...]) }
    return x
}

// MARK: Eigenvalues

/// Eigenvalues as expressions (machine reals, or `Complex[re, im]`), with their vectors, sorted by
/// decreasing absolute value as Wolfram sorts numeric eigenvalues.
private func numericEigensystem(_ m: Matrix, _ c: Call) throws -> [(value: Expr, vector: Expr, size: Double)] {
    let symmetric = (0..<m.rows).allSatisfy { i in (0..<i).allSatisfy { j in m[i, j] == m[j, i] } }
    var out: [(value: Expr, vector: Expr, size: Double)] = []
    if symmetric {
        let (values, vectors) = try awaitingInterrupt(c) { try LinearAlgebra.symmetricEigen(m) }
        let rows = vectors.rowArrays
        for (i, v) in values.enumerated() { out.append((.real(v), .reals(rows[i]), abs(v))) }
    } else {
        let e = try awaitingInterrupt(c) { try LinearAlgebra.generalEigen(m) }
        let realRows = e.vectorsRe.rowArrays
        for i in 0..<m.rows {
            if e.im[i] == 0 {
                out.append((.real(e.re[i]), .reals(realRows[i]), abs(e.re[i])))
            } else {
                let vector = Expr.list((0..<m.rows).map { complex(e.vectorsRe[i, $0], e.vectorsIm[i, $0]) })
                out.append((complex(e.re[i], e.im[i]), vector, (e.re[i] * e.re[i] + e.im[i] * e.im[i]).squareRoot()))
            }
        }
    }
    // Decreasing absolute value; LAPACK's ascending order reversed among ties.
    return out.enumerated().sorted { ($0.element.size, $0.offset) > ($1.element.size, $1.offset) }.map(\.element)
}

private func complex(_ re: Double, _ im: Double) -> Expr { Expr(Sym.Complex, .real(re), .real(im)) }

/// The exact eigensystem of an exact matrix whose eigenvalues are all integers (the textbook
/// case); nil otherwise. Eigenvectors are null-space bases of m - λ I.
private func exactEigensystem(_ cells: [[Expr]], _ c: Call) throws -> [(value: Expr, vector: Expr, size: Double)]? {
    let n = cells.count
    guard let m = Matrix(cells.map { $0.compactMap(\.doubleValue) }) else { return nil }
    let numeric = try numericEigensystem(m, c)
    var candidates: [Int] = []
    for e in numeric {
        guard let v = e.value.doubleValue, let r = Int(exactly: v.rounded()), abs(v - v.rounded()) < 1e-6 * max(1, abs(v)) else { return nil }
        if !candidates.contains(r) { candidates.append(r) }
    }
    var out: [(value: Expr, vector: Expr, size: Double)] = []
    for lambda in candidates {
        let shifted = cells.enumerated().map { i, row in row.enumerated().map { j, x in i == j ? add(x, .integer(-lambda)) : x } }
        let basis = ExactReduction(shifted).nullSpace
        guard !basis.isEmpty else { return nil }
        let multiplicity = numeric.filter { $0.value.doubleValue?.rounded() == Double(lambda) }.count
        for k in 0..<multiplicity {
            let vector: Expr = k < basis.count ? .list(basis[k]) : .list([Expr](repeating: .integer(0), count: n))
            out.append((.integer(lambda), vector, Double(abs(lambda))))
        }
    }
    guard out.count == n else { return nil }
    // Decreasing absolute value; among equal sizes, the negative first (as Wolfram orders exact ones).
    return out.enumerated().sorted {
        let a = ($0.element.size, -($0.element.value.doubleValue ?? 0)), b = ($1.element.size, -($1.element.value.doubleValue ?? 0))
        return a.0 != b.0 ? a.0 > b.0 : (a.1 != b.1 ? a.1 > b.1 : $0.offset < $1.offset)
    }.map(\.element)
}

private func eigensystem(_ c: Call) throws -> [(value: Expr, vector: Expr, size: Double)]? {
    guard let m = NumericMatrix(c[0]), m.isSquare else {
        c.message("matsq", c[0], .integer(1))
        return nil
    }
    guard admits(m.rows * m.rows, bytesEach: 64, c) else { return nil }
    if case .exact(let cells) = m, let exact = try exactEigensystem(cells, c) { return exact }
    return try numericEigensystem(m.machine, c)
}

/// The first k of a list of eigen-things, when a second argument asks for k.
private func firstK<T>(_ items: [T], _ c: Call) -> [T]? {
    guard c.count == 2 else { return items }
    guard let k = c[1].intValue else { return nil }
    return k >= 0 ? Array(items.prefix(k)) : Array(items.suffix(-k))
}

// MARK: Builtins

private let squareMessage = "Argument `1` at position `2` is not a non-empty square matrix."
private let dimensionsMessage = "Coefficient matrix and target vector or matrix do not have the same dimensions."

/// Runs a LAPACK computation, turning its failures into messages; an interrupt goes through.
/// The LAPACK calls themselves go through `awaitingInterrupt`: they cannot be stopped part way,
/// so at Ctrl-C they finish on a thread of their own and their results are discarded.
private func lapack(_ c: Call, _ body: () throws -> Expr?) throws -> Expr? {
    do {
        return try body()
    } catch let flow as ControlFlow {
        throw flow
    } catch LinearAlgebraError.singular {
        c.message("sing", c[0])
        return nil
    } catch LinearAlgebraError.shapeMismatch {
        c.message("lslc", text: dimensionsMessage)
        return nil
    } catch {
        c.message("nconv", text: "The numerical computation did not converge.")
        return nil
    }
}

extension Kernel {
    static var linearAlgebraBuiltins: [Builtin] {
        [
            Builtin("Det", [.protected], usage: "Det[m] gives the determinant of the square matrix m: exact for exact entries, by LU factorisation for machine numbers.",
                    arity: .exactly(1), messages: ["matsq": squareMessage],
                    examples: [("Det[{{1, 2}, {3, 4}}]", "-2"), ("Det[{{1., 2.}, {3., 4.}}]", "-2.")]) { c in
                guard let m = NumericMatrix(c[0]) else { return symbolicDeterminant(c) }
                guard m.isSquare else { c.message("matsq", c[0], .integer(1)); return nil }
                switch m {
                case .exact(let cells): return ExactReduction(cells).determinant
                case .machine(let x): return try lapack(c) { .real(try awaitingInterrupt(c) { try LinearAlgebra.determinant(x) }) }
                }
            },
            Builtin("Inverse", [.protected], usage: "Inverse[m] gives the inverse of the square matrix m; a singular matrix gives Inverse::sing.",
                    arity: .exactly(1), messages: ["matsq": squareMessage, "sing": "Matrix `1` is singular."],
                    examples: [("Inverse[{{1, 2}, {3, 4}}]", "{{-2, 1}, {3/2, -1/2}}"), ("Inverse[{{2., 0.}, {0., 4.}}]", "{{0.5, 0.}, {0., 0.25}}")]) { c in
                guard let m = NumericMatrix(c[0]), m.isSquare else { c.message("matsq", c[0], .integer(1)); return nil }
                switch m {
                case .exact(let cells):
                    let n = cells.count
                    let identity = (0..<n).map { i in (0..<n).map { Expr.integer(i == $0 ? 1 : 0) } }
                    guard ExactReduction(cells).rank == n, let x = exactSolve(cells, identity) else { c.message("sing", c[0]); return nil }
                    return .matrix(x)
                case .machine(let x): return try lapack(c) { .matrix(try awaitingInterrupt(c) { try LinearAlgebra.inverse(x) }) }
                }
            },
            Builtin("LinearSolve", [.protected], usage: "LinearSolve[m, b] gives a vector x (or a matrix, for a matrix b) with m . x == b; exact for exact entries; LinearSolve::nosol when there is none.",
                    arity: .exactly(2), messages: ["nosol": "Linear equation encountered that has no solution.", "matsq": squareMessage],
                    examples: [("LinearSolve[{{1, 2}, {3, 4}}, {5, 6}]", "{-4, 9/2}")]) { c in
                guard let m = NumericMatrix(c[0]) else { return nil }
                let vector = c[1].listItems?.first?.listItems == nil
                guard let b = rightHandSide(c[1], vector: vector) else { return nil }
                guard b.rows == m.rows else {
                    c.message("lslc", text: dimensionsMessage)
                    return nil
                }
                let result: Expr
                if case .exact(let a) = m, case .exact(let y) = b {
                    guard let x = exactSolve(a, y) else { c.message("nosol"); return nil }
                    result = .matrix(x)
                } else {
                    let a = m.machine, y = b.machine
                    guard let r = try lapack(c, { () -> Expr? in
                        try awaitingInterrupt(c) { () throws -> Matrix? in
                            if a.rows == a.cols, let x = try? LinearAlgebra.solve(a, y) { return x }
                            let x = try LinearAlgebra.leastSquares(a, y).x
                            let residual = try LinearAlgebra.multiply(a, x)
                            let scale = y.data.reduce(1) { max($0, abs($1)) }
                            guard zip(residual.data, y.data).allSatisfy({ abs($0 - $1) <= 1e-8 * scale }) else { return nil }
                            return x
                        }.map { vector ? .reals($0.data, c) : .matrix($0, c) }
                    }) else { c.message("nosol"); return nil }
                    return r
                }
                return vector ? .list(result.args.map { $0.args[0] }) : result
            },
            Builtin("LeastSquares", [.protected], usage: "LeastSquares[m, b] gives the x that minimises Norm[m . x - b] (the minimum-norm one when there are several); b may be a vector or a matrix of right-hand sides.",
                    arity: .exactly(2), messages: ["lslc": dimensionsMessage],
                    examples: [("LeastSquares[{{1., 0.}, {1., 1.}, {1., 2.}}, {1., 2., 4.}]", "{0.833333, 1.5}"),
                               ("LeastSquares[{{1, 0}, {1, 1}, {1, 2}}, {{1, 0}, {2, 0}, {4, 0}}]", "{{5/6, 0}, {3/2, 0}}")]) { c in
                guard let m = NumericMatrix(c[0]) else { return nil }
                let vector = c[1].listItems?.first?.listItems == nil
                guard let b = rightHandSide(c[1], vector: vector) else { return nil }
                guard b.rows == m.rows else { c.message("lslc"); return nil }
                if case .exact(let a) = m, case .exact(let y) = b, let x = exactLeastSquares(a, y) {
                    return vector ? .list(x.map { $0[0] }) : .matrix(x)
                }
                let (a, y) = (m.machine, b.machine)
                return try lapack(c) {
                    let x = try awaitingInterrupt(c) { try LinearAlgebra.leastSquares(a, y).x }
                    return vector ? .reals(x.data, c) : .matrix(x, c)
                }
            },
            Builtin("PseudoInverse", [.protected], usage: "PseudoInverse[m] gives the Moore–Penrose pseudo-inverse of m: exact for exact entries (from a rank factorisation), from the singular value decomposition for machine numbers.",
                    arity: .exactly(1), examples: [("PseudoInverse[{{1., 0.}, {0., 0.}}]", "{{1., 0.}, {0., 0.}}"), ("PseudoInverse[{{1, 2}, {2, 4}}]", "{{1/25, 2/25}, {2/25, 4/25}}")]) { c in
                guard let m = NumericMatrix(c[0]) else { return nil }
                if case .exact(let a) = m, let x = exactPseudoInverse(a) { return .matrix(x) }
                let a = m.machine
                return try lapack(c) { .matrix(try awaitingInterrupt(c) { try LinearAlgebra.pseudoInverse(a) }) }
            },
            Builtin("MatrixRank", [.protected], usage: "MatrixRank[m] gives the number of linearly independent rows of m.",
                    arity: .exactly(1), examples: [("MatrixRank[{{1, 2}, {2, 4}}]", "1")]) { c in
                guard let m = NumericMatrix(c[0]) else { return nil }
                switch m {
                case .exact(let a): return .integer(ExactReduction(a).rank)
                case .machine(let x): return try lapack(c) { .integer(try awaitingInterrupt(c) { try LinearAlgebra.rank(x) }) }
                }
            },
            Builtin("RowReduce", [.protected], usage: "RowReduce[m] gives the reduced row echelon form of the exact matrix m.",
                    arity: .exactly(1), examples: [("RowReduce[{{1, 2}, {3, 4}}]", "{{1, 0}, {0, 1}}")]) { c in
                guard let m = NumericMatrix(c[0]), case .exact(let a) = m else { return nil }
                return .matrix(ExactReduction(a).rows)
            },
            Builtin("NullSpace", [.protected], usage: "NullSpace[m] gives a basis of the vectors x with m . x == 0.",
                    arity: .exactly(1), examples: [("NullSpace[{{1, 1, 1}}]", "{{-1, 0, 1}, {-1, 1, 0}}")]) { c in
                guard let m = NumericMatrix(c[0]) else { return nil }
                switch m {
                case .exact(let a): return .matrix(ExactReduction(a).nullSpace)
                case .machine(let x):
                    return try lapack(c) {
                        let (_, s, v) = try awaitingInterrupt(c) { try LinearAlgebra.svd(x) }
                        let rank = s.filter { $0 > LinearAlgebra.tolerance(s, x) }.count
                        let vt = v.transposed.rowArrays
                        return .list(vt[rank...].reversed().map { .reals($0) })
                    }
                }
            },
            Builtin("Eigenvalues", [.protected], usage: "Eigenvalues[m] gives the eigenvalues of the square matrix m, largest in absolute value first; Eigenvalues[m, k] the first k.",
                    arity: .between(1, 2), messages: ["matsq": squareMessage],
                    examples: [("Eigenvalues[{{2, 1}, {1, 2}}]", "{3, 1}"), ("Eigenvalues[{{2., 1.}, {1., 2.}}]", "{3., 1.}")]) { c in
                try lapack(c) { try eigensystem(c).flatMap { firstK($0, c) }.map { .list($0.map(\.value)) } }
            },
            Builtin("Eigenvectors", [.protected], usage: "Eigenvectors[m] gives the eigenvectors of m in the order of Eigenvalues[m]; unit vectors for machine numbers.",
                    arity: .between(1, 2), messages: ["matsq": squareMessage],
                    examples: [("Eigenvectors[{{2, 1}, {1, 2}}]", "{{1, 1}, {-1, 1}}"), ("Eigenvectors[{{2., 1.}, {1., 2.}}]", "{{0.707107, 0.707107}, {-0.707107, 0.707107}}")]) { c in
                try lapack(c) { try eigensystem(c).flatMap { firstK($0, c) }.map { .evaluated(.list($0.map(\.vector)), c) } }
            },
            Builtin("Eigensystem", [.protected], usage: "Eigensystem[m] gives {eigenvalues, eigenvectors} of the square matrix m.",
                    arity: .between(1, 2), messages: ["matsq": squareMessage],
                    examples: [("Eigensystem[{{2, 0}, {0, 3}}]", "{{3, 2}, {{0, 1}, {1, 0}}}")]) { c in
                try lapack(c) { try eigensystem(c).flatMap { firstK($0, c) }.map { .evaluated(.list([.list($0.map(\.value)), .list($0.map(\.vector))]), c) } }
            },
            Builtin("SingularValueDecomposition", [.protected], usage: "SingularValueDecomposition[m] gives {u, w, v} with m == u . w . Transpose[v], u and v orthogonal and w diagonal (singular values decreasing).",
                    arity: .exactly(1), examples: [("Map[Abs, SingularValueDecomposition[{{3., 0.}, {0., -4.}}], {3}]", "{{{0., 1.}, {1., 0.}}, {{4., 0.}, {0., 3.}}, {{0., 1.}, {1., 0.}}}")]) { c in
                guard let m = NumericMatrix(c[0]) else { return nil }
                let x = m.machine
                return try lapack(c) {
                    guard admits(x.rows * x.rows + x.cols * x.cols, bytesEach: 32, c) else { return nil }
                    let (u, s, v) = try awaitingInterrupt(c) { try LinearAlgebra.svd(x) }
                    var w = Matrix(zeros: x.rows, x.cols)
                    for (i, value) in s.enumerated() { w[i, i] = value }
                    return .evaluated(.list([.matrix(u, c), .matrix(w, c), .matrix(v, c)]), c)
                }
            },
            Builtin("SingularValueList", [.protected], usage: "SingularValueList[m] gives the non-zero singular values of m, largest first.",
                    arity: .exactly(1), examples: [("SingularValueList[{{3., 0.}, {0., -4.}}]", "{4., 3.}")]) { c in
                guard let m = NumericMatrix(c[0]) else { return nil }
                let x = m.machine
                return try lapack(c) {
                    let s = try awaitingInterrupt(c) { try LinearAlgebra.svd(x).s }
                    let tol = LinearAlgebra.tolerance(s, x)
                    return .reals(s.filter { $0 > tol })
                }
            },
        ]
    }
}

/// The determinant of a small square matrix of any entries, by cofactor expansion.
private func symbolicDeterminant(_ c: Call) -> Expr? {
    guard let rows = c[0].listItems, !rows.isEmpty, rows.count <= 6,
          rows.allSatisfy({ $0.listItems?.count == rows.count }) else {
        c.message("matsq", c[0], .integer(1))
        return nil
    }
    func det(_ m: [[Expr]]) -> Expr {
        if m.count == 1 { return m[0][0] }
        var terms: [Expr] = []
        for j in 0..<m.count {
            let minor = m.dropFirst().map { r in r.enumerated().filter { $0.offset != j }.map(\.element) }
            terms.append(.call(Sym.Times, [.integer(j % 2 == 0 ? 1 : -1), m[0][j], det(Array(minor))]))
        }
        return .call(Sym.Plus, terms)
    }
    return try? c.evaluate(det(rows.map(\.args)))
}

// MARK: Dot at BLAS speed

extension Expr {
    /// Whether both are the same normal expression object (not merely equal ones).
    func isSameObject(_ other: Expr) -> Bool {
        guard case .normal(let x) = self, case .normal(let y) = other else { return false }
        return x === y
    }
}

/// The rows of a machine matrix (or a vector as one column), when every entry is a number and at
/// least one is a Real: what `Dot` hands to `dgemm`.
private func packedMachine(_ e: Expr) -> (matrix: Matrix, vector: Bool)? {
    guard let p = e.packedArray, p.hasReal, let m = p.matrix else { return nil }
    return (m, p.dims.count == 1)
}

extension LearnLibrary {
    /// Puts `Dot` of large machine matrices (and matrix–vector products) on BLAS's `dgemm`, and
    /// `Transpose` of a matrix of machine numbers on its blocked copy (both give lists made from
    /// packed contents, so they chain without making elements), in front of the core
    /// library's general builtins, which keep everything else.
    static func routeDotToBLAS() {
        route("Dot") { c in
            // `a . a` reads its matrix once.
            guard c.count == 2, let a = packedMachine(c[0]), let b = c[0].isSameObject(c[1]) ? a : packedMachine(c[1]), !(a.vector && b.vector),
                  a.matrix.rows * a.matrix.cols * (b.vector ? 1 : b.matrix.cols) >= 4096 else { return nil }
            let left = a.vector ? a.matrix.transposed : a.matrix
            guard left.cols == b.matrix.rows, let product = try? LinearAlgebra.multiply(left, b.matrix) else { return nil }
            return b.vector || a.vector ? .reals(product.data, c) : .matrix(product, c)
        }
        route("Transpose") { c in
            // Machine reals or (exact) machine integers: the transpose made from packed contents.
            guard c.count == 1, let p = c[0].packedArray, p.kind != .mixed, p.dims.count == 2, let m = p.matrix else { return nil }
            return Expr.packed(PackedArray(dims: [m.cols, m.rows], data: m.transposed.data, kind: p.kind))
        }
    }

    /// Tries `fast` before the builtin already installed for `name`, which answers when it
    /// gives nil.
    private static func route(_ name: String, _ fast: @escaping (Call) throws -> Expr?) {
        let symbol = Symbol.intern(name)
        let general = symbol.builtin
        symbol.builtin = { c in try fast(c) ?? general?(c) }
    }
}
