namespace Dstack.Tasks.Tests;

/// <summary>One run as <c>dstack ps -a --json</c> shows it.</summary>
/// <param name="Name">The run's name.</param>
/// <param name="Status">Its status word: running, done, failed, terminated, aborted, ...</param>
/// <param name="Reason">Why it ended (<c>stopped_by_user</c>, <c>all_jobs_done</c>); null while it runs.</param>
/// <param name="JobPids">The process id of each job's shell.</param>
public sealed record RunState(string Name, string Status, string? Reason, IReadOnlyList<int> JobPids);
