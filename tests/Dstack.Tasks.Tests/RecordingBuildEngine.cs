using System.Collections;
using Microsoft.Build.Framework;

namespace Dstack.Tasks.Tests;

/// <summary>
/// An engine that keeps every event a task logs, for assertions. It is an <see cref="IBuildEngine3"/>, as every
/// MSBuild engine is, because DstackRun yields its node while a run goes on.
/// </summary>
public sealed class RecordingBuildEngine : IBuildEngine3
{
    public List<BuildErrorEventArgs> Errors { get; } = [];

    public List<BuildWarningEventArgs> Warnings { get; } = [];

    public List<BuildMessageEventArgs> Messages { get; } = [];

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "test.proj";

    public bool IsRunningMultipleNodes => false;

    /// <summary>How many times the task yielded its node (<see cref="IBuildEngine3.Yield"/>).</summary>
    public int YieldCount { get; private set; }

    /// <summary>How many times the task took its node back (<see cref="IBuildEngine3.Reacquire"/>).</summary>
    public int ReacquireCount { get; private set; }

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);

    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("the Dstack tasks build no other project");

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) =>
        throw new NotSupportedException("the Dstack tasks build no other project");

    public bool BuildProjectFilesInParallel(
        string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) =>
        throw new NotSupportedException("the Dstack tasks build no other project");

    public BuildEngineResult BuildProjectFilesInParallel(
        string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) =>
        throw new NotSupportedException("the Dstack tasks build no other project");

    public void Yield() => YieldCount++;

    public void Reacquire() => ReacquireCount++;

    public override string ToString() =>
        string.Join('\n', Errors.Select(e => $"error {e.Code}: {e.File}({e.LineNumber},{e.ColumnNumber}) {e.Message}")
            .Concat(Warnings.Select(w => $"warning {w.Code}: {w.File}({w.LineNumber},{w.ColumnNumber}) {w.Message}"))
            .Concat(Messages.Select(m => $"message: {m.Message}")));
}
