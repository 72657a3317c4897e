using System.Globalization;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Resources;

namespace Dstack.LanguageServer.Completion;

/// <summary>
/// GPUs: the spec string of <c>resources.gpu</c> token by token (its forms, the catalog's names with their memory
/// sizes, vendors; after <c>A100:</c> that GPU's memory sizes and counts; after <c>A100,</c> more names), the
/// <c>name</c> and <c>vendor</c> of the object form, and GPU names anywhere a GPU model is asked for.
/// </summary>
public static class GpuCompletion
{
    private static readonly (string Form, string Detail)[] Forms =
    [
        ("A100:80GB:2", "name:memory:count, any order"),
        ("24GB..:1..2", "memory range:count range, any GPU"),
        ("H100:8", "name:count"),
        ("A100,H100", "any of these names"),
        ("nvidia:2", "vendor:count"),
    ];

    private static readonly string[] Counts = ["1", "2", "4", "8", "1..2", "2.."];

    /// <summary>Each GPU name's <see cref="Describe"/>, made once: the names are the longest list offered.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Descriptions = new(StringComparer.Ordinal);

    /// <summary>The spec string at the cursor (<c>gpu: A100:‸</c>).</summary>
    public static void AddSpec(CompletionItems items)
    {
        var request = items.Request;
        var tokens = GpuSpecTokens.Read(request.LineText, request.Context.ReplaceStart, request.Context.ReplaceStart + request.Prefix.Length);
        var range = request.RangeOf(tokens.Start, tokens.End);
        var lead = tokens.Start == request.Context.ReplaceStart ? request.Lead : string.Empty;
        var atStart = tokens.Start == request.Context.ReplaceStart || (tokens.Start == request.Context.ReplaceStart + 1 && request.TypedQuote);
        if (tokens.InNames)
        {
            AddNames(items, tokens.Vendor, tokens.Names, range, lead);
            return;
        }

        var rest = request.LineText[Math.Min(tokens.End, request.Context.ReplaceEnd)..Math.Min(request.LineText.Length, request.Context.ReplaceEnd)];
        if (atStart && rest.IndexOfAny([':', ',']) < 0)
        {
            // A whole spec only where the value holds nothing else.
            foreach (var (form, detail) in Forms)
            {
                items.Value(form, CompletionItemKind.Snippet, detail, range: range, lead: lead);
            }
        }

        if (tokens.Names.Count > 0)
        {
            if (!tokens.HasMemory)
            {
                foreach (var size in MemoryOf(tokens.Names))
                {
                    items.Value(size, CompletionItemKind.Unit, $"memory per GPU of {string.Join(" or ", tokens.Names)}", range: range, lead: lead);
                }
            }
        }
        else
        {
            AddNames(items, tokens.Vendor, [], range, lead);
        }

        if (!tokens.HasCount && !atStart)
        {
            foreach (var count in Counts)
            {
                items.Value(count, CompletionItemKind.Unit, RangeForms.Describe(count, "GPUs"), range: range, lead: lead);
            }
        }

        if (tokens.Vendor is null && tokens.Names.Count == 0)
        {
            AddVendors(items, range, lead);
        }
    }

    /// <summary>A GPU name alone: the object form's <c>name</c> (or an item of its list), a workflow's GPU name.</summary>
    public static void AddNames(CompletionItems items) => AddNames(items, null, [], null, null);

    /// <summary>The object form's <c>vendor</c>.</summary>
    public static void AddVendors(CompletionItems items) => AddVendors(items, null, null);

    private static void AddNames(CompletionItems items, string? vendor, IReadOnlyList<string> listed, TextRange? range, string? lead)
    {
        foreach (var name in GpuCatalog.SpecNames)
        {
            var info = GpuCatalog.Find(name);
            if (info is null || listed.Contains(name, StringComparer.OrdinalIgnoreCase) ||
                (vendor is not null && !string.Equals(VendorWord(info.Vendor), vendor, StringComparison.Ordinal)))
            {
                continue;
            }

            items.Value(name, CompletionItemKind.Value, Descriptions.GetOrAdd(name, static (_, gpu) => Describe(gpu), info), range: range, lead: lead);
        }
    }

    private static void AddVendors(CompletionItems items, TextRange? range, string? lead)
    {
        foreach (var vendor in GpuSpecTokens.VendorWords)
        {
            items.Value(vendor, CompletionItemKind.EnumMember, vendor == "tpu" ? "vendor: Google TPU (same as google)" : "vendor", range: range, lead: lead);
        }
    }

    /// <summary>"NVIDIA, 40GB or 80GB".</summary>
    public static string Describe(GpuInfo info) =>
        $"{VendorName(info.Vendor)}, {string.Join(" or ", info.MemoryOptions.Select(Size))}";

    private static IEnumerable<string> MemoryOf(IReadOnlyList<string> names) =>
        names.Select(GpuCatalog.Find).OfType<GpuInfo>().SelectMany(g => g.MemoryOptions).Distinct().Order().Select(Size);

    private static string Size(double gigabytes) => string.Create(CultureInfo.InvariantCulture, $"{gigabytes:0.##}GB");

    private static string VendorWord(GpuVendor vendor) => EnumSpellings.Of(typeof(GpuVendor))[(int)vendor];

    private static string VendorName(GpuVendor vendor) => vendor switch
    {
        GpuVendor.Nvidia => "NVIDIA",
        GpuVendor.Amd => "AMD",
        GpuVendor.Google => "Google TPU",
        _ => "Intel",
    };
}
