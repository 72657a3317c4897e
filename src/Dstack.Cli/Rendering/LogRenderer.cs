using System.Text;
using Dstack.Runtime.Forwarding;
using Dstack.Runtime.Logs;

namespace Dstack.Cli.Rendering;

/// <summary>
/// Writes job output to the console: stdout to standard output, stderr and dstack's own events to standard error.
/// Bytes pass straight through unless lines must change: URLs rewritten to the forwarded local ports, or a
/// <c>[rank]</c> prefix when several nodes print at once. Then whole lines are rewritten and a partial line waits
/// for its end (or the end of the run).
/// </summary>
public sealed class LogRenderer(Stream stdout, Stream stderr, UrlRewriter? rewriter, bool prefixRanks, bool color)
{
    private const string Dim = "\u001b[2m";
    private const string Reset = "\u001b[0m";

    private readonly Dictionary<(int, LogStream), List<byte>> _partial = [];
    private readonly bool _linewise = prefixRanks || rewriter is { IsIdentity: false };

    public void Write(int rank, LogChunk chunk)
    {
        var target = chunk.Stream == LogStream.Stdout ? stdout : stderr;
        if (chunk.Stream == LogStream.Event)
        {
            WriteEvent(rank, chunk.Data.Span);
            return;
        }

        if (!_linewise)
        {
            target.Write(chunk.Data.Span);
            target.Flush();
            return;
        }

        var key = (rank, chunk.Stream);
        if (!_partial.TryGetValue(key, out var pending))
        {
            pending = [];
            _partial[key] = pending;
        }

        var data = chunk.Data.Span;
        while (data.Length > 0)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                pending.AddRange(data);
                break;
            }

            pending.AddRange(data[..(newline + 1)]);
            WriteLine(rank, target, pending);
            pending.Clear();
            data = data[(newline + 1)..];
        }

        target.Flush();
    }

    /// <summary>Writes what is left of unfinished lines (the run ended without a final newline).</summary>
    public void Flush()
    {
        foreach (var ((rank, stream), pending) in _partial)
        {
            if (pending.Count > 0)
            {
                WriteLine(rank, stream == LogStream.Stdout ? stdout : stderr, pending);
                pending.Clear();
            }
        }

        stdout.Flush();
        stderr.Flush();
    }

    private void WriteLine(int rank, Stream target, List<byte> line)
    {
        var text = Encoding.UTF8.GetString([.. line]);
        if (rewriter is { IsIdentity: false })
        {
            text = rewriter.Rewrite(text);
        }

        if (prefixRanks)
        {
            text = $"[{rank}] {text}";
        }

        target.Write(Encoding.UTF8.GetBytes(text));
    }

    private void WriteEvent(int rank, ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data);
        if (prefixRanks)
        {
            text = $"[{rank}] {text}";
        }

        stderr.Write(Encoding.UTF8.GetBytes(color ? $"{Dim}{text.TrimEnd('\n')}{Reset}\n" : text));
        stderr.Flush();
    }
}
