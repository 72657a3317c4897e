using System.Collections;
using Microsoft.Build.Framework;

namespace Dstack.Tasks.Tests;

/// <summary>An <see cref="IBuildEngine"/> that keeps every event a task logs, for assertions.</summary>
public sealed class RecordingBuildEngine : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = [];

    public List<BuildWarningEventArgs> Warnings { get; } = [];

    public List<BuildMessageEventArgs> Messages { get; } = [];

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "test.proj";

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);

    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("the Dstack tasks build no other project");

    public override string ToString() =>
        string.Join('\n', Errors.Select(e => $"error {e.Code}: {e.File}({e.LineNumber},{e.ColumnNumber}) {e.Message}")
            .Concat(Warnings.Select(w => $"warning {w.Code}: {w.File}({w.LineNumber},{w.ColumnNumber}) {w.Message}"))
            .Concat(Messages.Select(m => $"message: {m.Message}")));
}
