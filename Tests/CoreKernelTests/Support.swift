import CoreKernel

/// The kernel the core library's tests share (see KernelSession.swift): the core library alone,
/// no tensors; the tests of this target run in one serialized suite.
nonisolated(unsafe) let sharedKernel = Kernel()
