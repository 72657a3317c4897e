using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack instance list [-a] [--json]</c>: the instances of the state store, newest first.</summary>
public static class InstanceListCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Also show terminated and failed instances (by default only those that may still exist)." };
        var json = new Option<bool>("--json") { Description = "Print JSON: {\"instances\": [{id, run, job, backend, region, instance_type, instance_id, address, price, status, created_at, terminated_at}]}." };
        var command = new Command("list", "List the instances backends provisioned for runs: their run and job, backend, type, address, price and status.") { all, json };
        command.SetAction(parse =>
        {
            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store))
            {
                return DstackCommandLine.ProblemsFound;
            }

            var instances = store.ListInstances(parse.GetValue(all));
            if (parse.GetValue(json))
            {
                var array = new JsonArray([.. instances.Select(i => (JsonNode)ToJson(i))]);
                output.WriteLine(new JsonObject { ["instances"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return DstackCommandLine.Success;
            }

            if (instances.Count == 0)
            {
                output.WriteLine(parse.GetValue(all) ? "No instances." : "No active instances (dstack instance list -a shows terminated ones too).");
                return DstackCommandLine.Success;
            }

            var now = DateTimeOffset.UtcNow;
            TextTable.Write(
                output,
                ["ID", "RUN", "JOB", "BACKEND", "REGION", "INSTANCE", "INSTANCE ID", "ADDRESS", "PRICE", "STATUS", "CREATED"],
                instances.Select(i => (IReadOnlyList<string>)[
                    i.Id.ToString(CultureInfo.InvariantCulture),
                    i.RunName,
                    i.JobNum.ToString(CultureInfo.InvariantCulture),
                    i.Backend,
                    i.Region,
                    i.InstanceType,
                    i.InstanceId ?? string.Empty,
                    i.Address ?? string.Empty,
                    $"${i.PricePerHour.ToString("0.####", CultureInfo.InvariantCulture)}",
                    StatusText(i.Status),
                    PsCommand.Ago(now - i.CreatedAt),
                ]),
                !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out) && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR")));
            return DstackCommandLine.Success;
        });
        return command;
    }

    /// <summary>The status as the table and JSON write it: <c>provisioning</c>, <c>running</c>, <c>terminating</c>, <c>terminated</c>, <c>failed</c>.</summary>
    internal static string StatusText(InstanceStatus status) => status.ToString().ToLowerInvariant();

    private static JsonObject ToJson(InstanceRecord instance) => new()
    {
        ["id"] = instance.Id,
        ["run"] = instance.RunName,
        ["job"] = instance.JobNum,
        ["backend"] = instance.Backend,
        ["region"] = instance.Region,
        ["instance_type"] = instance.InstanceType,
        ["instance_id"] = instance.InstanceId,
        ["address"] = instance.Address,
        ["price"] = instance.PricePerHour,
        ["status"] = StatusText(instance.Status),
        ["created_at"] = instance.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        ["terminated_at"] = instance.TerminatedAt?.ToString("O", CultureInfo.InvariantCulture),
    };
}
