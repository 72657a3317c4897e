using System.Text;

namespace Dstack.Runtime.Runs.Environment;

/// <summary>
/// Masks the secrets of a <see cref="SecretMasker"/> in one output stream that arrives in chunks of bytes, wherever
/// the chunks split a secret: the end of a chunk that could be the start of a secret is held back until the next
/// chunk shows whether it is one, or until <see cref="Flush"/> (a short timeout, the end of the stream). Pushing
/// every chunk and then flushing gives exactly the bytes that masking the whole text at once gives; bytes that are no
/// secret pass unchanged (also ones that are not valid UTF-8), and a multi-byte character split across chunks is
/// matched like any other bytes (and held back until it is whole, so each piece shown holds whole characters).
/// </summary>
public sealed class StreamingSecretMasker
{
    /// <summary>
    /// Held text grows past the longest secret only where occurrences of secrets overlap one another in a chain; past
    /// this many bytes the chain is written out (masked) rather than held without end.
    /// </summary>
    private const int HoldLimit = 64 * 1024;

    private static readonly byte[] Replacement = Encoding.UTF8.GetBytes(SecretMasker.Replacement);

    private readonly byte[][] _secrets;
    private readonly int _longest;
    private byte[] _pending = new byte[256];
    private int _length;

    public StreamingSecretMasker(SecretMasker masker)
    {
        _secrets = [.. masker.Secrets.Select(Encoding.UTF8.GetBytes)];
        _longest = _secrets.Length == 0 ? 0 : _secrets.Max(s => s.Length);
    }

    /// <summary>True while the end of what was pushed is held back as the possible start of a secret.</summary>
    public bool IsHolding => _length > 0;

    /// <summary>The bytes that can be shown now: everything pushed so far, masked, except a held-back tail.</summary>
    public byte[] Push(ReadOnlySpan<byte> chunk)
    {
        if (_length + chunk.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _length + chunk.Length));
        }

        chunk.CopyTo(_pending.AsSpan(_length));
        _length += chunk.Length;
        var text = _pending.AsSpan(0, _length);
        var runs = CoveredRuns(text);
        // A character split across chunks waits for its last bytes too, so each write holds whole characters.
        var cut = Math.Min(PossibleSecretStart(text), CompleteUtf8Length(text));
        // A secret found whole must not be cut in two: keep its whole run back with the tail it overlaps.
        foreach (var (start, end) in runs)
        {
            if (start < cut && cut < end)
            {
                cut = _length - start > HoldLimit ? end : start;
                break;
            }
        }

        var shown = Masked(text[..cut], runs);
        text[cut..].CopyTo(_pending);
        _length -= cut;
        return shown;
    }

    /// <summary>The held-back tail, masked: the stream has ended or paused long enough that it is no secret's start.</summary>
    public byte[] Flush()
    {
        var text = _pending.AsSpan(0, _length);
        var shown = Masked(text, CoveredRuns(text));
        _length = 0;
        return shown;
    }

    /// <summary>How many leading bytes end on a whole UTF-8 character (all of them when the end is not a character's start).</summary>
    internal static int CompleteUtf8Length(ReadOnlySpan<byte> bytes)
    {
        for (var i = bytes.Length - 1; i >= 0 && i >= bytes.Length - 4; i--)
        {
            var b = bytes[i];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var length = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return i + length > bytes.Length ? i : bytes.Length;
        }

        return bytes.Length;
    }

    /// <summary>Where the longest tail of <paramref name="text"/> that is the start (not the whole) of a secret begins; the text's length when none is.</summary>
    private int PossibleSecretStart(ReadOnlySpan<byte> text)
    {
        for (var start = Math.Max(0, text.Length - _longest + 1); start < text.Length; start++)
        {
            var tail = text[start..];
            foreach (var secret in _secrets)
            {
                if (secret.Length > tail.Length && secret[0] == tail[0] && secret.AsSpan().StartsWith(tail))
                {
                    return start;
                }
            }
        }

        return text.Length;
    }

    /// <summary>Every occurrence of every secret, overlapping ones merged into one run, in order.</summary>
    private List<(int Start, int End)> CoveredRuns(ReadOnlySpan<byte> text)
    {
        var covered = new List<(int Start, int End)>();
        foreach (var secret in _secrets)
        {
            for (var from = 0; from <= text.Length - secret.Length;)
            {
                var at = text[from..].IndexOf(secret);
                if (at < 0)
                {
                    break;
                }

                covered.Add((from + at, from + at + secret.Length));
                from += at + 1;
            }
        }

        covered.Sort();
        var runs = new List<(int Start, int End)>();
        foreach (var (start, end) in covered)
        {
            if (runs.Count > 0 && start < runs[^1].End)
            {
                runs[^1] = (runs[^1].Start, Math.Max(runs[^1].End, end));
            }
            else
            {
                runs.Add((start, end));
            }
        }

        return runs;
    }

    private static byte[] Masked(ReadOnlySpan<byte> text, List<(int Start, int End)> runs)
    {
        if (runs.Count == 0 || runs[0].Start >= text.Length)
        {
            return text.ToArray();
        }

        var masked = new List<byte>(text.Length);
        var position = 0;
        foreach (var (start, end) in runs)
        {
            if (start >= text.Length)
            {
                break;
            }

            masked.AddRange(text[position..start]);
            masked.AddRange(Replacement);
            position = end;
        }

        masked.AddRange(text[position..]);
        return [.. masked];
    }
}
