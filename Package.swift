// swift-tools-version:6.0
import PackageDescription

/// Release builds skip the run-time exclusivity checks in the interpreter's hot paths (the
/// evaluator's counters and caches); debug builds and tests keep them.
let releaseSpeed: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

/// The numeric modules are optimized in debug builds too, so the test suite (built in debug)
/// runs real networks in seconds rather than minutes; they keep their checks (no -Ounchecked).
let numericSpeed: [SwiftSetting] = releaseSpeed + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "nets",
    products: [
        .executable(name: "nets", targets: ["nets"]),
        .library(name: "Language", targets: ["Language"]),
        .library(name: "CoreKernel", targets: ["CoreKernel"]),
        .library(name: "NetsKernel", targets: ["NetsKernel"]),
        .library(name: "LearnKernel", targets: ["LearnKernel"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Nets", targets: ["Nets"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Learn", targets: ["Learn"]),
        .library(name: "Formats", targets: ["Formats"]),
        .library(name: "Graphics", targets: ["Graphics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "Language", dependencies: [
            "Resources",
            .product(name: "BigInt", package: "BigInt"),
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: releaseSpeed),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Randomness", swiftSettings: numericSpeed),
        .target(name: "Resources", swiftSettings: numericSpeed),
        .target(name: "Tensor", dependencies: ["COpenBLAS", "CKernels", "Randomness", "Resources"], swiftSettings: numericSpeed),
        .target(name: "CImageCodecs", linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png")]),
        .target(name: "Imaging", dependencies: ["CImageCodecs"], swiftSettings: numericSpeed),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // Pictures: a render model of plain structs drawn by Cairo to PNG, SVG and PDF.
        .target(name: "Graphics", dependencies: ["CCairo"], swiftSettings: numericSpeed),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Debian's libbz2 has no pkg-config file: the module map links it by name.
        .systemLibrary(name: "CBzip2", providers: [.apt(["libbz2-dev"])]),
        // ONNX models through the SwiftProtobuf runtime (the generated code is committed; see
        // scripts/generate_onnx.sh), never its plugin.
        .target(name: "Formats", dependencies: ["Tensor", "CZlib", "CBzip2", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                swiftSettings: numericSpeed),
        .target(name: "Nets", dependencies: ["Tensor", "Imaging"], swiftSettings: numericSpeed),
        .target(name: "Learn", dependencies: ["Tensor", "Nets", "COpenBLAS"], swiftSettings: numericSpeed),
        // The kernel in three rooms: the language's library (no tensors, no BLAS), nets, learning.
        .target(name: "CoreKernel", dependencies: [
            "Language", "Randomness", "Resources", "CZlib",
            .product(name: "BigInt", package: "BigInt"),
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: releaseSpeed, plugins: ["EmbedStdlib"]),
        .target(name: "NetsKernel", dependencies: [
            "CoreKernel", "Language", "Tensor", "Nets", "Imaging", "Formats", "Graphics",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: releaseSpeed, plugins: ["EmbedStdlib"]),
        .target(name: "LearnKernel", dependencies: [
            "CoreKernel", "NetsKernel", "Language", "Tensor", "Nets", "Imaging", "Learn",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: releaseSpeed, plugins: ["EmbedStdlib"]),
        // The Jupyter kernel: the messaging protocol over ZeroMQ, signed with HMAC-SHA256. It knows
        // no language: the executable gives it a backend.
        .systemLibrary(name: "CZMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .target(name: "Notebook", dependencies: ["CZMQ", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(name: "nets-bench", dependencies: ["Tensor"], path: "Sources/nets-bench",
                          swiftSettings: releaseSpeed),
        // Parses the standard library at build time (so the tool needs the language), embedding
        // the text and the parsed form that start-up reads.
        .executableTarget(name: "EmbedStdlibTool", dependencies: ["Language"], path: "Sources/EmbedStdlibTool"),
        .plugin(name: "EmbedStdlib", capability: .buildTool(), dependencies: ["EmbedStdlibTool"]),
        .executableTarget(name: "nets", dependencies: [
            "CoreKernel", "NetsKernel", "LearnKernel", "Language", "CEditLine", "Notebook", "Tensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "LanguageTests", dependencies: ["Language", "CoreKernel"]),
        .testTarget(name: "CoreKernelTests", dependencies: ["CoreKernel", "Language"], exclude: ["Fixtures"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"], exclude: ["Fixtures"]),
        .testTarget(name: "KernelTests", dependencies: ["CoreKernel", "NetsKernel", "LearnKernel", "Language", "Randomness"], exclude: ["Fixtures"]),
        .testTarget(name: "NetsTests", dependencies: ["Nets", "Tensor", "Imaging"], exclude: ["Fixtures"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Tensor"], exclude: ["Fixtures"]),
        .testTarget(name: "LearnTests", dependencies: ["Learn"], exclude: ["Fixtures"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], exclude: ["Fixtures"]),
        .testTarget(name: "GraphicsTests", dependencies: ["Graphics"], exclude: ["Fixtures"]),
        .testTarget(name: "ScriptTests", dependencies: ["nets"], exclude: ["Clients"]),
    ]
)
