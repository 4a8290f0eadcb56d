#!/usr/bin/env bash
# Regenerates Sources/Formats/ONNX/onnx.pb.swift from ONNX's schema with protoc and apple's
# protoc-gen-swift 1.39.0 (the version Package.swift pins for the SwiftProtobuf runtime). The schema
# is onnx.proto (proto2 syntax, ONNX IR version 11 / onnx 1.23) as the onnx Python package ships it.
# Needs: apt-get install -y protobuf-compiler; and the plugin, built once:
#   git clone https://github.com/apple/swift-protobuf /tmp/swift-protobuf
#   (cd /tmp/swift-protobuf && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
schema="${ONNX_PROTO:-$(python3 -c 'import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), "onnx.proto"))')}"
plugin="${PROTOC_GEN_SWIFT:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$schema" "$work/onnx.proto"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$work" \
    --swift_opt=Visibility=Public --swift_out="$work" "$work/onnx.proto"
cp "$work/onnx.pb.swift" "$root/Sources/Formats/ONNX/onnx.pb.swift"
echo "generate_onnx: wrote Sources/Formats/ONNX/onnx.pb.swift from $schema"
