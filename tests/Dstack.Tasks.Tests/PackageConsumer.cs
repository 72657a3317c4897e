using System.Diagnostics;
using System.Security;
using System.Text;
using System.Text.Json;

namespace Dstack.Tasks.Tests;

/// <summary>
/// A user's console app that references the packed Dstack.Tasks and nothing else, in a temp folder:
/// <c>app/</c> (the project, which is also the code a job gets) and <c>home/</c> (its own <c>DSTACK_HOME</c>).
/// Its builds are real <c>dotnet build</c> processes, run as a user runs them.
/// </summary>
public sealed class PackageConsumer : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(2);
    private readonly PackedTasksFixture _package;
    private readonly TempFolder _folder = new();
    private readonly List<ConsumerBuild> _builds = [];

    /// <param name="targetFrameworks">One framework, or several separated by semicolons (a multi-targeted project).</param>
    /// <param name="properties">More properties for the project, as XML elements.</param>
    public PackageConsumer(PackedTasksFixture package, string targetFrameworks = "net10.0", string properties = "")
    {
        _package = package;
        Directory.CreateDirectory(DstackHome);
        // Cut the project off from any Directory.Build.* above the temp folder.
        Write("Directory.Build.props", "<Project />\n");
        Write("Directory.Build.targets", "<Project />\n");
        var multiTargeted = targetFrameworks.Contains(';', StringComparison.Ordinal);
        var frameworks = multiTargeted
            // Restored without a network (see NuGetConfig): no net8.0 apphost pack, no ASP.NET Core targeting pack.
            ? $"<TargetFrameworks>{targetFrameworks}</TargetFrameworks><UseAppHost>false</UseAppHost><DisableTransitiveFrameworkReferenceDownloads>true</DisableTransitiveFrameworkReferenceDownloads>"
            : $"<TargetFramework>{targetFrameworks}</TargetFramework>";
        Write("app.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                {frameworks}
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Dstack.Tasks" Version="{package.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        Write("Program.cs", """
            #if NET10_0_OR_GREATER
            const string Framework = "net10.0";
            #else
            const string Framework = "net8.0";
            #endif
            System.Console.WriteLine($"app built for {Framework} says hello");
            """);
        Write("nuget.config", NuGetConfig(package, multiTargeted));
    }

    /// <summary>The project's folder: where the builds run, and the code a job gets.</summary>
    public string ProjectFolder => Path.Combine(_folder.Path, "app");

    public string ProjectFile => Path.Combine(ProjectFolder, "app.csproj");

    /// <summary>This project's own dstack state, so that its runs, names and processes are told apart from any other.</summary>
    public string DstackHome => Path.Combine(_folder.Path, "home");

    /// <summary>A path in the temp folder but outside the project, for files a job writes (not part of its code).</summary>
    public string Outside(string name) => Path.Combine(_folder.Path, name);

    public string Write(string relativePath, string text) => _folder.Write(Path.Combine("app", relativePath), text);

    /// <summary>Runs <c>dotnet build ARGUMENTS</c> in the project's folder to its end.</summary>
    public Task<ConsumerBuild> BuildAsync(params string[] arguments) => BuildAsync(new Dictionary<string, string?>(), arguments);

    /// <summary>Runs <c>dotnet build ARGUMENTS</c> in the project's folder to its end, with more environment variables.</summary>
    public async Task<ConsumerBuild> BuildAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var build = StartBuild(newSession: false, environment, arguments);
        await build.WaitForExitAsync(BuildTimeout);
        return build;
    }

    /// <summary>Starts <c>dotnet build ARGUMENTS</c>; see <see cref="ConsumerBuild.Start"/> for <paramref name="newSession"/>.</summary>
    public ConsumerBuild StartBuild(bool newSession, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var build = ConsumerBuild.Start(ProjectFolder, ["build", .. arguments], Environment(environment), newSession);
        _builds.Add(build);
        return build;
    }

    /// <summary>The runs <c>dstack ps -a --json</c> lists, with the CLI from the restored package.</summary>
    public async Task<IReadOnlyList<(string Name, string Status)>> RunsAsync()
    {
        var ps = await ConsumerBuild.RunDotnetAsync(ProjectFolder, [_package.CliDll, "ps", "-a", "--json"], Environment(new Dictionary<string, string?>()), TimeSpan.FromMinutes(1));
        Assert.True(ps.ExitCode == 0, $"dstack ps -a --json: exit {ps.ExitCode}\n{ps.Output}");
        using var json = JsonDocument.Parse(ps.Output);
        return [.. json.RootElement.GetProperty("runs").EnumerateArray().Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("status").GetString()!))];
    }

    /// <summary>
    /// Every process whose environment has this project's <c>DSTACK_HOME</c>, as "PID COMMAND LINE": the builds and
    /// whatever they started (MSBuild nodes, the dstack CLI, its controller, the jobs and their children).
    /// </summary>
    public IReadOnlyList<string> ProcessesUsingHome() => [.. FindProcesses(dstackOnly: false).Select(p => $"{p.Pid} {p.CommandLine}")];

    /// <summary>The processes of dstack itself for this project: the CLI and its controller (the package's dstack.dll), and the jobs.</summary>
    public IReadOnlyList<string> DstackProcesses() => [.. FindProcesses(dstackOnly: true).Select(p => $"{p.Pid} {p.CommandLine}")];

    public void Dispose()
    {
        foreach (var build in _builds)
        {
            build.Dispose();
        }

        // A test that failed half way must not leave its jobs (a web server on a port) running.
        foreach (var (pid, _) in FindProcesses(dstackOnly: true))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }

        _folder.Dispose();
    }

    private Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?> overrides)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DSTACK_HOME"] = DstackHome,
            // The nuget.config's globalPackagesFolder must win, and no fallback folder may bypass its source mapping.
            ["NUGET_PACKAGES"] = null,
            ["NUGET_FALLBACK_PACKAGES"] = null,
            // As a user runs a build: MSBuild's own defaults for node reuse and the build server, whatever this machine sets.
            ["MSBUILDDISABLENODEREUSE"] = null,
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = null,
        };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return environment;
    }

    private List<(int Pid, string CommandLine)> FindProcesses(bool dstackOnly)
    {
        var home = "DSTACK_HOME=" + DstackHome;
        var found = new List<(int, string)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == System.Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environment = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(folder, "environ"))).Split('\0');
                if (!environment.Contains(home, StringComparer.Ordinal))
                {
                    continue;
                }

                var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(folder, "cmdline"))).Replace('\0', ' ').Trim();
                var isDstack = commandLine.Contains(_package.CliDll, StringComparison.Ordinal)
                    || environment.Any(v => v.StartsWith("DSTACK_RUN_NAME=", StringComparison.Ordinal));
                if (!dstackOnly || isDstack)
                {
                    found.Add((pid, commandLine));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or another user's.
            }
        }

        return found;
    }

    // Dstack.Tasks comes only from the fresh feed (source mapping), whatever this machine's caches hold.
    // A project that also targets net8.0 needs the net8.0 targeting pack, which the SDK does not carry: it comes
    // from this machine's global packages folder, where the restore of this repository put it.
    private static string NuGetConfig(PackedTasksFixture package, bool withMachinePackages)
    {
        var machineSource = withMachinePackages ? $"""<add key="machine" value="{SecurityElement.Escape(package.MachinePackages)}" />""" : "";
        var machineMapping = withMachinePackages ? """<packageSource key="machine"><package pattern="*" /></packageSource>""" : "";
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{SecurityElement.Escape(package.Packages)}" />
              </config>
              <packageSources>
                <clear />
                <add key="feed" value="{SecurityElement.Escape(package.Feed)}" />
                {machineSource}
              </packageSources>
              <packageSourceMapping>
                <packageSource key="feed"><package pattern="Dstack.Tasks" /></packageSource>
                {machineMapping}
              </packageSourceMapping>
            </configuration>
            """;
    }
}
