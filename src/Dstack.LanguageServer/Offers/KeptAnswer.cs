namespace Dstack.LanguageServer.Offers;

/// <summary>
/// Something slow to find out about this machine (its resources, a Python, the Docker engine), found once and then
/// kept: the code lens is asked for on every edit, and detection may run <c>nvidia-smi</c> or wait seconds for Docker.
/// An answer older than <see cref="MaxAge"/> is still given at once, while a new one is found in the background for
/// the next request; only the very first request waits for one.
/// </summary>
/// <typeparam name="T">The answer.</typeparam>
public class KeptAnswer<T>(Func<T> find, TimeProvider time, TimeSpan maxAge)
    where T : class
{
    private readonly Lock _gate = new();
    private T? _answer;
    private DateTimeOffset _foundAt;
    private Task _refreshing = Task.CompletedTask;
    private Task<T>? _first;

    /// <summary>How old an answer may be before a request starts finding a new one.</summary>
    public TimeSpan MaxAge { get; } = maxAge;

    /// <summary>The background search in progress, or a completed task: tests wait on it rather than on time.</summary>
    public Task Refreshing
    {
        get
        {
            lock (_gate)
            {
                return _first is { IsCompleted: false } first && _answer is null ? first : _refreshing;
            }
        }
    }

    /// <summary>Starts the first search in the background (once); <see cref="Current"/> then waits for it if it must.</summary>
    public void Start()
    {
        lock (_gate)
        {
            _first ??= Task.Run(find);
        }
    }

    /// <summary>
    /// The latest answer. Only while there has been none yet does it wait: for the one started by <see cref="Start"/>,
    /// else for one it starts, shared by every caller, so it is found once. Requests run off the read loop, so the wait
    /// holds up only the requests that need the answer. A failed first search is tried again next time.
    /// </summary>
    public T Current()
    {
        Task<T> first;
        lock (_gate)
        {
            if (_answer is not null)
            {
                if (time.GetUtcNow() - _foundAt >= MaxAge && _refreshing.IsCompleted)
                {
                    _refreshing = Task.Run(Refresh);
                }

                return _answer;
            }

            first = _first ??= Task.Run(find);
        }

        T found;
        try
        {
            found = first.GetAwaiter().GetResult();
        }
        catch
        {
            lock (_gate)
            {
                if (ReferenceEquals(_first, first))
                {
                    _first = null;
                }
            }

            throw;
        }

        lock (_gate)
        {
            if (_answer is null)
            {
                _answer = found;
                _foundAt = time.GetUtcNow();
            }

            return _answer;
        }
    }

    private void Refresh()
    {
        T? fresh = null;
        try
        {
            fresh = find();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Keep the last answer; the next try waits a whole MaxAge, so a broken nvidia-smi is not run on every request.
        }

        lock (_gate)
        {
            _answer = fresh ?? _answer;
            _foundAt = time.GetUtcNow();
        }
    }
}
