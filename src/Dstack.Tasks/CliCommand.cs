using System.Runtime.InteropServices;

namespace Dstack.Tasks;

/// <summary>
/// How to start the dstack CLI from its path: an apphost (<c>dstack</c>, <c>dstack.exe</c>) runs as is, and
/// <c>dstack.dll</c> (what the package ships) runs with the <c>dotnet</c> that runs the build.
/// </summary>
public static class CliCommand
{
    /// <summary>True when the path is a <c>.dll</c> that needs <c>dotnet</c>.</summary>
    public static bool RunsWithDotnet(string cliPath) => cliPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    /// <summary>The program to start: the apphost itself, or the dotnet host.</summary>
    public static string Program(string cliPath)
    {
        if (!RunsWithDotnet(cliPath))
        {
            return Path.GetFullPath(cliPath);
        }

        // `dotnet build` names the host that runs it; anywhere else the PATH finds it.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return string.IsNullOrEmpty(host) ? (OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet") : host;
    }

    /// <summary>The arguments that come before dstack's own: the dll's full path when it runs with dotnet.</summary>
    public static IReadOnlyList<string> Prefix(string cliPath) =>
        RunsWithDotnet(cliPath) ? [Path.GetFullPath(cliPath)] : [];

    /// <summary>Where the package puts the native CLI, relative to the portable one's folder (tools/cli/).</summary>
    public static readonly string NativeRelativePath = Path.Combine("..", "cli-native", "linux-x64", "dstack");

    /// <summary>
    /// The native (Native AOT) CLI that the package ships beside the portable <c>dstack.dll</c> at
    /// <c>tools/cli-native/linux-x64/dstack</c>, when it is there and this machine runs it (glibc Linux on x64); otherwise
    /// <paramref name="cliPath"/> as given. It starts in a fraction of the time; <paramref name="runtimeIdentifier"/> is
    /// the running .NET's (a parameter for the tests).
    /// </summary>
    public static string PreferNative(string cliPath, string? runtimeIdentifier = null)
    {
        if (!RunsWithDotnet(cliPath) || (runtimeIdentifier ?? RuntimeInformation.RuntimeIdentifier) != "linux-x64")
        {
            return cliPath;
        }

        var native = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(cliPath))!, NativeRelativePath));
        return OperatingSystem.IsLinux() && File.Exists(native) && Executable(native) ? native : cliPath;
    }

    /// <summary>Whether the file may be run; a package extracted without its execute bits gets them back when it can.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static bool Executable(string file)
    {
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            var mode = File.GetUnixFileMode(file);
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(file, mode | execute);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
