using System.Diagnostics;
using Microsoft.Build.Framework;

namespace Dstack.Tasks.Tests;

/// <summary>Waits with a limit, so that a CLI or a job that hangs fails its test instead of hanging the test run.</summary>
public static class Bounded
{
    /// <summary>Generous for a CLI that starts, plans and runs a short job on a busy 2-core machine.</summary>
    public static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(2);

    /// <summary>Runs <see cref="ITask.Execute"/> on another thread; past the limit, cancels the task (when it can be) and throws.</summary>
    public static bool Execute(ITask task, TimeSpan limit)
    {
        var execution = System.Threading.Tasks.Task.Run(task.Execute);
        if (execution.Wait(limit))
        {
            return execution.Result;
        }

        (task as ICancelableTask)?.Cancel();
        throw new TimeoutException($"{task.GetType().Name}.Execute ran past {limit}");
    }

    /// <summary>Polls until the condition holds; throws once the limit has passed.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan limit, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"waited {limit} for {what}");
            }

            Thread.Sleep(50);
        }
    }
}
