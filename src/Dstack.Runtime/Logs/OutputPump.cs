using Dstack.Runtime.Runs.Environment;

namespace Dstack.Runtime.Logs;

/// <summary>
/// Copies one pipe of a job into its log. Without secrets the bytes go through as they come. With secrets, each chunk
/// is masked before it is written (the log never holds a secret) by a <see cref="StreamingSecretMasker"/>, which
/// holds back only a chunk's end that could be the start of a secret: until the next chunk shows whether it is one,
/// or for at most <see cref="HoldTimeout"/> when no more output comes, so a prompt or progress bar still shows.
/// </summary>
public sealed class OutputPump
{
    /// <summary>
    /// How long a held-back possible start of a secret waits for the rest. A job that writes a secret in pieces more
    /// than this far apart shows the pieces (each too short to be the secret); shorter pauses are masked.
    /// </summary>
    public static readonly TimeSpan HoldTimeout = TimeSpan.FromSeconds(1);

    private const int BufferSize = 64 * 1024;

    private readonly Stream _source;
    private readonly LogStream _stream;
    private readonly JobLogWriter _log;
    private readonly StreamingSecretMasker? _masker;
    private readonly TimeSpan _holdTimeout;

    /// <summary>A pump from <paramref name="source"/> into <paramref name="log"/>, masking the secrets of <paramref name="masker"/> if any.</summary>
    /// <param name="source">The pipe to read until it closes.</param>
    /// <param name="stream">Which of the job's streams it is.</param>
    /// <param name="log">The job's log.</param>
    /// <param name="masker">The run's secrets; null or empty copies the bytes as they come.</param>
    /// <param name="holdTimeout"><see cref="HoldTimeout"/> unless given (tests on a loaded machine give a longer one).</param>
    public OutputPump(Stream source, LogStream stream, JobLogWriter log, SecretMasker? masker, TimeSpan? holdTimeout = null)
    {
        _source = source;
        _stream = stream;
        _log = log;
        _masker = masker is null || masker.IsEmpty ? null : new StreamingSecretMasker(masker);
        _holdTimeout = holdTimeout ?? HoldTimeout;
    }

    /// <summary>Copies until the pipe closes (every process holding it has ended).</summary>
    public async Task RunAsync()
    {
        var buffer = new byte[BufferSize];
        var reading = ReadAsync(buffer);
        while (true)
        {
            if (_masker is { IsHolding: true } && await Task.WhenAny(reading, Task.Delay(_holdTimeout)).ConfigureAwait(false) != reading)
            {
                _log.Write(_stream, _masker.Flush());
            }

            var read = await reading.ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            _log.Write(_stream, _masker is null ? buffer.AsSpan(0, read) : _masker.Push(buffer.AsSpan(0, read)));
            reading = ReadAsync(buffer);
        }

        if (_masker is not null)
        {
            _log.Write(_stream, _masker.Flush());
        }
    }

    private async Task<int> ReadAsync(byte[] buffer)
    {
        try
        {
            return await _source.ReadAsync(buffer).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
