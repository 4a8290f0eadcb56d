import Testing
@testable import Graphics

/// Automatic ticks: round steps, positions within the range, labels with the digits they need.
@Suite struct TicksTests {
    @Test(arguments: [(10.0, 5, 2.0), (1.0, 5, 0.2), (7.0, 5, 1.0), (2 * Double.pi, 6, 1.0), (30.0, 3, 10.0), (0.003, 3, 0.001)])
    func niceSteps(span: Double, target: Int, step: Double) {
        #expect(abs(Ticks.niceStep(span: span, target: target) - step) < step * 1e-9)
    }

    @Test func majorTicksAreMultiplesOfTheStepWithinTheRange() {
        #expect(Ticks.major(0...10, step: 2) == [0, 2, 4, 6, 8, 10])
        #expect(Ticks.major(-0.95...0.95, step: 0.5) == [-0.5, 0, 0.5])
        #expect(Ticks.major(0.3...0.4, step: 1).isEmpty)
        // A degenerate step or range gives no ticks rather than a loop without end.
        #expect(Ticks.major(0...1, step: 0).isEmpty)
        #expect(Ticks.major(0...1e9, step: 1).isEmpty)
    }

    @Test func minorTicksFallBetweenMajors() {
        let minor = Ticks.minor(0...2, step: 1)
        #expect(minor.count == 8)
        #expect(!minor.contains { abs($0 - 1) < 1e-9 })
    }

    @Test func labelsPrintTheDigitsTheStepNeeds() {
        #expect(Ticks.labels([0, 0.5, 1], step: 0.5) == ["0", "0.5", "1.0"])
        #expect(Ticks.labels([-2, 0, 2], step: 2) == ["-2", "0", "2"])
        #expect(Ticks.labels([0, 2_000_000, 4_000_000], step: 2_000_000) == ["0", "2×10⁶", "4×10⁶"])
        #expect(Ticks.powerLabels([0, 2, 4, -1]) == ["1", "100", "10⁴", "0.1"])
    }
}

/// Layout: the picture's size, the plot region within it, ticks that do not collide.
@Suite struct LayoutTests {
    func plot(_ aspect: Double? = 0.618) -> Figure {
        var f = Figure(items: [Item(.line((0...100).map { Point(Double($0), Double($0 * $0)) }))])
        f.axes = (true, true)
        f.aspectRatio = aspect
        return f
    }

    @Test func defaultWidthAndAspectRatio() throws {
        let l = try plot().measuredLayout()
        #expect(l.width == Figure.defaultWidth)
        #expect(abs(l.plotH / l.plotW - 0.618) < 1e-9)
        #expect(l.plotX >= 0 && l.plotX + l.plotW <= l.width)
        #expect(l.plotY >= 0 && l.plotY + l.plotH <= l.height)
    }

    @Test func imageSizeSetsTheWidth() throws {
        var f = plot()
        f.imageSize = (600, nil)
        #expect(try f.measuredLayout().width == 600)
        f.imageSize = (200, 300)
        let l = try f.measuredLayout()
        #expect(l.width == 200 && l.height == 300)
    }

    @Test func horizontalTickLabelsDoNotCollide() throws {
        for width in [120.0, 200, 360, 800] {
            var f = plot()
            f.imageSize = (width, nil)
            let l = try f.measuredLayout()
            let boxes = l.xTicks.map { t -> (Double, Double) in
                let w = TextMetrics.width(t.1, size: Furniture.tickFont)
                return (l.px(t.0) - w / 2, l.px(t.0) + w / 2)
            }
            #expect(l.xTicks.count >= 2, "width \(width)")
            for (a, b) in zip(boxes, boxes.dropFirst()) { #expect(a.1 + 4 <= b.0, "width \(width): \(l.xTicks.map(\.1))") }
        }
    }

    @Test func rangesAreComputedFromTheItemsAndPadded() throws {
        let l = try plot().measuredLayout()
        #expect(l.xRange.lowerBound < 0 && l.xRange.upperBound > 100)
        #expect(l.yRange.lowerBound < 0 && l.yRange.upperBound > 10_000)
        var f = plot()
        f.xRange = 10...20
        let given = try f.measuredLayout()
        #expect(given.xRange == 10...20)
    }

    @Test func hugePicturesAreRefused() {
        var f = plot()
        f.imageSize = (100_000, nil)
        #expect(throws: GraphicsError.self) { try f.encoded(as: .png) }
    }
}
