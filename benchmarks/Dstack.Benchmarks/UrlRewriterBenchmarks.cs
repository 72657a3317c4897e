using BenchmarkDotNet.Attributes;
using Dstack.Runtime.Forwarding;

namespace Dstack.Benchmarks;

/// <summary>
/// <see cref="UrlRewriter.Rewrite"/> over 10,000 lines of realistic job output (900,000 characters of ASCII text, one byte each in the job's output): lines
/// without any URL, the common case it must pass through at almost no cost (target: at least 200 MB/s), and output
/// where one line in ten prints a local URL of a forwarded port.
/// </summary>
[MemoryDiagnoser]
public class UrlRewriterBenchmarks
{
    private static readonly string[] Templates =
    [
        "Epoch {0}/100: loss=0.{0}3417 accuracy=0.9{0}12 lr=3.0e-04 grad_norm=1.{0}7 tokens/s=18234.5 step_time=0.412s",
        "INFO:     127.0.0.1:5{0}321 - \"GET /v1/models HTTP/1.1\" 200 OK",
        "[rank0]:[W{0}] ProcessGroupNCCL.cpp:1168 Warning: process group has NOT been destroyed before exit",
        "Downloading shards:  {0}% |#####     | 2/4 [00:1{0}<00:19,  9.53s/it] model-0000{0}-of-00004.safetensors",
        "2026-11-22 01:0{0}:17,482 - trainer - INFO - Saving checkpoint to /workflow/checkpoints/step-{0}000",
    ];

    private UrlRewriter _rewriter = null!;
    private string[] _plain = [];
    private string[] _withUrls = [];

    [GlobalSetup]
    public void Setup()
    {
        _rewriter = new UrlRewriter([new ResolvedPort(8001, 8000, Forwarded: true)], "127.0.0.1");
        _plain = [.. Enumerable.Range(0, 10_000).Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, Templates[i % Templates.Length], i % 10))];
        _withUrls = [.. _plain.Select((line, i) => i % 10 == 0 ? $"INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit) {i}" : line)];
        if (_rewriter.Rewrite(_withUrls[0]).Contains("0.0.0.0:8000", StringComparison.Ordinal) || !ReferenceEquals(_plain[1], _rewriter.Rewrite(_plain[1])))
        {
            throw new InvalidOperationException("the benchmark input does not exercise the rewriter");
        }
    }

    [Benchmark(Description = "10,000 lines, no URL")]
    public int Plain() => RewriteAll(_plain);

    [Benchmark(Description = "10,000 lines, 1 in 10 with a URL")]
    public int WithUrls() => RewriteAll(_withUrls);

    private int RewriteAll(string[] lines)
    {
        var length = 0;
        foreach (var line in lines)
        {
            length += _rewriter.Rewrite(line).Length;
        }

        return length;
    }
}
