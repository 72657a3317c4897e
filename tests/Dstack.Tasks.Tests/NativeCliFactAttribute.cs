using System.Runtime.InteropServices;

namespace Dstack.Tasks.Tests;

/// <summary>A fact that needs the native CLI of scripts/publish-native.sh on a linux-x64 machine; skipped, saying why, otherwise.</summary>
public sealed class NativeCliFactAttribute : FactAttribute
{
    public static string NativeCli { get; } = Path.Combine(TestPaths.Root, "artifacts", "native", "linux-x64", "dstack", "dstack");

    public NativeCliFactAttribute()
    {
        Skip = RuntimeInformation.RuntimeIdentifier != "linux-x64" ? "the native CLI is built for linux-x64 only"
            : !File.Exists(NativeCli) ? $"the native CLI is not published ({NativeCli} is missing): run `bash scripts/publish-native.sh`"
            : null;
    }
}
