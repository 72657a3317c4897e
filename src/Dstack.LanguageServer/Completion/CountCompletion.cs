using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// Counts and count ranges: <c>cpu</c> (<c>2..</c>, <c>4..16</c>), a GPU <c>count</c>, a service's <c>replicas</c>,
/// <c>nodes</c>, <c>priority</c>; and after a typed number, its range forms (<c>4</c> → <c>4..</c>, <c>4..8</c>).
/// </summary>
public static class CountCompletion
{
    public static void Add(CompletionItems items, bool isRange)
    {
        var request = items.Request;
        var property = request.Property;
        var unit = Unit(property?.Property.DeclaringType, property?.YamlName);
        if (isRange && int.TryParse(request.Prefix, out var typed) && typed >= 0 && typed < 100_000)
        {
            foreach (var form in (string[])[$"{typed}..", $"{typed}..{Math.Max(1, typed) * 2}"])
            {
                items.Value(form, CompletionItemKind.Unit, RangeForms.Describe(form, unit));
            }
        }

        foreach (var value in Typical(property?.Property.DeclaringType, property?.YamlName, isRange))
        {
            var detail = value == property?.DefaultText ? RangeForms.Describe(value, unit) + " (the default)" : RangeForms.Describe(value, unit);
            items.Value(value, CompletionItemKind.Unit, detail);
        }
    }

    private static IEnumerable<string> Typical(Type? owner, string? name, bool isRange) => (owner, name) switch
    {
        (_, "cpu") => ["2..", "4..", "8..", "16..", "4", "4..16"],
        (_, "replicas") => ["1", "2", "0..4", "1..4"],
        (_, "nodes") => ["2", "4", "8"],
        (_, "priority") => ["0", "50", "100"],
        (_, "count") when isRange => ["1", "2", "4", "8", "1..2", "2.."],
        (_, "count") => ["1", "2", "4", "8"],
        _ => [],
    };

    private static string? Unit(Type? owner, string? name) => (owner, name) switch
    {
        (_, "cpu") => "CPUs",
        (_, "replicas") => "replicas",
        (_, "nodes") => "nodes",
        _ when name == "count" && (owner == typeof(GpuSpec) || owner == typeof(WorkflowGpu)) => "GPUs",
        _ => null,
    };
}
