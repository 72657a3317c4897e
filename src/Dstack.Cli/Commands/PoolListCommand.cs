using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Planning;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack pool list [--json]</c>: every SSH host of the pool with what a fresh probe finds, or why it is unreachable.</summary>
public static class PoolListCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON: {\"hosts\": [{name, user, host, port, identity_file, proxy_jump, address, reachable, resources, docker, problem}]}." };
        var command = new Command("list", "List the SSH hosts of the pool, each probed now: its cores, memory, GPUs, free disk and whether the login user can use a Docker engine (for image:), or why it is unreachable.") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var cli = context();
            if (!PoolCommand.TryReadHosts(cli, error, out var config))
            {
                return DstackCommandLine.ProblemsFound;
            }

            // Every host at once: a list of unreachable hosts takes one timeout, not one per host.
            var probes = await Task.WhenAll(config.Hosts.Select(h => Task.Run(() => SshProbeCache.Probe(cli.Home, h, TimeSpan.Zero), cancellationToken)));
            if (parse.GetValue(json))
            {
                var array = new JsonArray([.. probes.Select(ToJson)]);
                await output.WriteLineAsync(new JsonObject { ["hosts"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return DstackCommandLine.Success;
            }

            if (probes.Length == 0)
            {
                await output.WriteLineAsync("No SSH hosts in the pool; add one with dstack pool add-ssh USER@HOST.");
                return DstackCommandLine.Success;
            }

            TextTable.Write(
                output,
                ["NAME", "ADDRESS", "RESOURCES"],
                probes.Select(p => (IReadOnlyList<string>)[p.Host.Name, p.Host.Address, Describe(p)]),
                !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out) && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR")));
            return DstackCommandLine.Success;
        });
        return command;
    }

    private static string Describe(SshProbeResult probe) =>
        probe.Succeeded ? probe.Resources!.ToString() + (probe.HasDockerEngine ? ", Docker" : string.Empty) : $"unreachable: {probe.Problem!.Code} {probe.Problem.Message}";

    private static JsonObject ToJson(SshProbeResult probe) => new()
    {
        ["name"] = probe.Host.Name,
        ["user"] = probe.Host.User,
        ["host"] = probe.Host.Host,
        ["port"] = probe.Host.Port,
        ["identity_file"] = probe.Host.IdentityFile,
        ["proxy_jump"] = probe.Host.ProxyJump,
        ["address"] = probe.Host.Address,
        ["reachable"] = probe.Succeeded,
        ["resources"] = probe.Resources is { } r ? Resources(r) : null,
        ["docker"] = probe.Succeeded ? probe.HasDockerEngine : null,
        ["problem"] = probe.Problem is { } p ? new JsonObject { ["code"] = p.Code, ["message"] = p.Message } : null,
    };

    private static JsonObject Resources(MachineResources resources) => new()
    {
        ["cpus"] = resources.Cpus,
        ["memory_gb"] = Math.Round(resources.Memory.Gigabytes, 2),
        ["disk_gb"] = Math.Round(resources.Disk.Gigabytes, 2),
        ["gpus"] = new JsonArray([.. resources.Gpus.Select(g => (JsonNode)new JsonObject
        {
            ["name"] = g.Name,
            ["memory_gb"] = g.Memory.Gigabytes,
            ["compute_capability"] = g.ComputeCapability?.ToString(),
        })]),
    };
}
