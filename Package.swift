// swift-tools-version: 6.0
// ELECTRA in Swift: pre-training and fine-tuning of ELECTRA text encoders on the CPU.

import PackageDescription

// BLAS: Accelerate on Apple platforms, Debian's OpenBLAS (libopenblas-dev) elsewhere.
let blasDependencies: [Target.Dependency] = [
    .target(name: "COpenBLAS", condition: .when(platforms: [.linux, .android, .windows, .openbsd])),
]
let blasLinkerSettings: [LinkerSetting] = [
    .linkedFramework("Accelerate", .when(platforms: [.macOS, .iOS, .visionOS])),
]

let package = Package(
    name: "Electra",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "electra", targets: ["electra"]),
        .library(name: "ElectraTensor", targets: ["ElectraTensor"]),
        .library(name: "ElectraTokenizer", targets: ["ElectraTokenizer"]),
        .library(name: "ElectraData", targets: ["ElectraData"]),
        .library(name: "ElectraDownload", targets: ["ElectraDownload"]),
        .library(name: "ElectraOptim", targets: ["ElectraOptim"]),
        .library(name: "Electra", targets: ["Electra"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // bzip2 decompression of Wikipedia dumps (Debian's libbz2-dev).
        .systemLibrary(
            name: "CBZip2",
            providers: [.apt(["libbz2-dev"]), .brew(["bzip2"])]
        ),
        // bf16 matrix products through oneDNN (Debian's libdnnl-dev), opened at run time with dlopen so
        // that the package builds and runs without it (in fp32).
        .target(
            name: "COneDNN",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        // Data-parallel training over Open MPI (Debian's openmpi-bin), opened at run time with dlopen so
        // that the package builds and runs without it (on one process).
        .target(
            name: "CMPI",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        .target(
            name: "ElectraDistributed",
            dependencies: ["CMPI", "Electra", "ElectraTensor"]
        ),
        .target(
            name: "ElectraTensor",
            dependencies: blasDependencies + ["COneDNN"],
            linkerSettings: blasLinkerSettings
        ),
        .target(
            name: "ElectraCLI",
            dependencies: [
                "ElectraTensor",
                "ElectraTokenizer",
                "ElectraData",
                "ElectraDownload",
                "Electra",
                "ElectraDistributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "ElectraTokenizer",
            resources: [.copy("Resources")]
        ),
        .target(
            name: "ElectraNN",
            dependencies: ["ElectraTensor"]
        ),
        .target(
            name: "ElectraOptim",
            dependencies: ["ElectraTensor"]
        ),
        .target(
            name: "Electra",
            dependencies: ["ElectraNN", "ElectraOptim", "ElectraTensor", "ElectraTokenizer", "ElectraData"]
        ),
        .target(
            name: "ElectraData",
            dependencies: ["ElectraTokenizer", "ElectraTensor", "CBZip2"]
        ),
        // Resumable, checksum-verified downloads (Foundation's URLSession: on Linux FoundationNetworking,
        // which loads libcurl), kept apart so that the other libraries and the fuzz targets do without it.
        .target(
            name: "ElectraDownload",
            dependencies: ["ElectraTensor"]
        ),
        .executableTarget(
            name: "electra",
            dependencies: ["ElectraCLI"]
        ),
        // Fuzz targets for the readers of user files: scripts/fuzz.sh builds them with libFuzzer; a
        // plain build gives the replay tool (see Fuzz/Targets/FuzzEntry.swift).
        .executableTarget(
            name: "electra-fuzz",
            dependencies: ["Electra", "ElectraData", "ElectraOptim", "ElectraTensor", "ElectraTokenizer"],
            path: "Fuzz/Targets"
        ),
        .target(
            name: "_TestSupport",
            dependencies: ["ElectraTensor"],
            path: "Tests/_TestSupport"
        ),
        .testTarget(
            name: "ElectraTensorTests",
            dependencies: ["ElectraTensor", "_TestSupport"]
        ),
        .testTarget(
            name: "ElectraTokenizerTests",
            dependencies: ["ElectraTokenizer", "_TestSupport"]
        ),
        .testTarget(
            name: "ElectraModelTests",
            dependencies: ["Electra", "ElectraNN", "ElectraOptim", "ElectraTensor", "ElectraTokenizer", "ElectraData", "_TestSupport"]
        ),
        .testTarget(
            name: "ElectraDataTests",
            dependencies: ["ElectraData", "ElectraTokenizer", "ElectraTensor", "CBZip2", "_TestSupport"]
        ),
        .testTarget(
            name: "ElectraDownloadTests",
            dependencies: ["ElectraDownload", "_TestSupport"]
        ),
        .testTarget(
            name: "ElectraCLITests",
            dependencies: ["ElectraCLI", "ElectraDistributed", "ElectraTensor", "_TestSupport"]
        ),
    ]
)
