import Foundation
import PackagePlugin

/// Embeds the `.nets` files of the package's `stdlib/TARGET/` folder in the kernel module TARGET
/// (CoreKernel, NetsKernel, LearnKernel) as Swift string literals, so each room's standard
/// library travels inside the binary.
@main
struct EmbedStdlib: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let dir = context.package.directoryURL.appending(path: "stdlib").appending(path: target.name)
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
