import Foundation
import PackagePlugin

/// Embeds the `.nets` files of the package's `stdlib/` folder in the Kernel module as Swift
/// string literals, so the standard library travels inside the binary.
@main
struct EmbedStdlib: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let dir = context.package.directoryURL.appending(path: "stdlib")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let inputs = names.filter { $0.hasSuffix(".nets") }.sorted().map { dir.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "Stdlib.swift")
        return [.buildCommand(
            displayName: "Embedding the standard library",
            executable: try context.tool(named: "EmbedStdlibTool").url,
            arguments: [output.path] + inputs.map(\.path),
            inputFiles: inputs,
            outputFiles: [output])]
    }
}
