using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Dstack.LanguageServer.Completion;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;

namespace Dstack.Benchmarks;

/// <summary>
/// <c>textDocument/completion</c> on the 402-line lsp-bench fixture (<c>Inputs/large-pipeline.dstack.yml</c>): reading
/// the cursor from the text, choosing the context, building the items, and writing the JSON result as the handler does.
/// Target: p99 ≤ 3 ms as the client measures it, so the server's part should be well under 1 ms.
/// </summary>
[MemoryDiagnoser]
public class CompletionBenchmarks
{
    private DocumentSnapshot _document = null!;
    private int _version = 1;

    /// <summary>
    /// True: every request is on a new snapshot, as the first request after an edit is (the lines are split again);
    /// false: requests repeat on one snapshot, as lsp-bench's 200 requests per position do.
    /// </summary>
    [Params(true, false)]
    public bool NewSnapshot { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Inputs", "large-pipeline.dstack.yml");
        _document = new DocumentSnapshot("file://" + path, path, 1, File.ReadAllText(path));
        foreach (var (line, character, atLeast) in new[] { (398, 0, 5), (387, 13, 3), (359, 6, 1), (357, 21, 10), (40, 4, 2) })
        {
            var items = CompletionDispatcher.Complete(_document, new Position(line, character), null).Items.Count;
            if (items < atLeast)
            {
                throw new InvalidOperationException($"completion at {line}:{character} gave {items} items; the input or the server changed");
            }
        }
    }

    [Benchmark(Description = "top-level key, blank line 399 (all sibling keys scanned)")]
    public JsonElement TopLevelKey() => Complete(398, 0);

    [Benchmark(Description = "spot_policy value, line 388")]
    public JsonElement SpotPolicyValue() => Complete(387, 13);

    [Benchmark(Description = "key in the gpu object, line 360")]
    public JsonElement GpuObjectKey() => Complete(359, 6);

    [Benchmark(Description = "GPU name in a flow list, line 358")]
    public JsonElement GpuName() => Complete(357, 21);

    [Benchmark(Description = "env item, line 41")]
    public JsonElement EnvItem() => Complete(40, 4);

    private JsonElement Complete(int line, int character)
    {
        var document = NewSnapshot ? _document with { Version = ++_version } : _document;
        return JsonSerializer.SerializeToElement(CompletionDispatcher.Complete(document, new Position(line, character), null), LspJsonContext.Wire.CompletionList);
    }
}
