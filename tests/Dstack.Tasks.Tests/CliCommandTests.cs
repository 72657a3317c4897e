namespace Dstack.Tasks.Tests;

/// <summary>Which CLI a task starts: the native one shipped beside the portable dstack.dll where it fits, else the path given.</summary>
[Trait("Category", "Fast")]
public sealed class CliCommandTests
{
    [Fact]
    public void PreferNative_NativeBesidePortableOnLinuxX64_IsTheNative()
    {
        using var package = new TempFolder();
        var dll = package.Write("tools/cli/dstack.dll", "");
        var native = package.Write("tools/cli-native/linux-x64/dstack", "");

        Assert.Equal(native, CliCommand.PreferNative(dll, "linux-x64"));
        // A package extracted without execute bits: they are given back.
        Assert.True(!OperatingSystem.IsLinux() || (File.GetUnixFileMode(native) & UnixFileMode.UserExecute) != 0);
    }

    [Theory]
    [InlineData("linux-musl-x64")]
    [InlineData("linux-arm64")]
    [InlineData("osx-arm64")]
    [InlineData("win-x64")]
    public void PreferNative_OnAnotherPlatform_IsThePortable(string runtimeIdentifier)
    {
        using var package = new TempFolder();
        var dll = package.Write("tools/cli/dstack.dll", "");
        package.Write("tools/cli-native/linux-x64/dstack", "");

        Assert.Equal(dll, CliCommand.PreferNative(dll, runtimeIdentifier));
    }

    [Fact]
    public void PreferNative_WithoutANativeCliOrForAnApphost_IsThePathGiven()
    {
        using var package = new TempFolder();
        var dll = package.Write("tools/cli/dstack.dll", "");
        var apphost = package.Write("bin/dstack", "");
        package.Write("cli-native/linux-x64/dstack", "");

        Assert.Equal(dll, CliCommand.PreferNative(dll, "linux-x64"));
        Assert.Equal(apphost, CliCommand.PreferNative(apphost, "linux-x64"));
    }
}
