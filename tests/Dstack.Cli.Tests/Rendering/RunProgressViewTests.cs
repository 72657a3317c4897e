using Dstack.Cli.Rendering;
using Dstack.Runtime.Runs;
using Spectre.Console;

namespace Dstack.Cli.Tests.Rendering;

/// <summary>The terminal view of a run's way to running: what each typed event does to its job's line.</summary>
[Trait("Category", "Fast")]
public sealed class RunProgressViewTests
{
    [Fact]
    public void Events_MoveEachJobsLine_FromProvisioningThroughTheUploadBarToRunning()
    {
        var tasks = new[] { new ProgressTask(0, "job 0: submitted", 1), new ProgressTask(1, "job 1: submitted", 1) };
        var jobs = tasks.Select((t, rank) => new RunProgressView.JobLine(rank, t)).ToList();

        RunProgressView.Apply(new ProvisioningProgress(1, "ssh", "gpu1"), jobs);
        Assert.Equal("job 1: provisioning gpu1 (ssh)", jobs[1].Description);
        Assert.True(tasks[1].IsIndeterminate);
        Assert.Equal("job 0: submitted", jobs[0].Description);

        RunProgressView.Apply(new UploadProgress(1, "gpu1", 250, 1000), jobs);
        Assert.False(tasks[1].IsIndeterminate);
        Assert.Equal(25, tasks[1].Percentage, precision: 3);

        RunProgressView.Apply(new UploadedProgress(1, "gpu1", 1000, 0.4), jobs);
        Assert.Equal(100, tasks[1].Percentage, precision: 3);
        Assert.False(jobs[1].Running);

        RunProgressView.Apply(new RunningProgress(1, "gpu1"), jobs);
        Assert.True(jobs[1].Running);
        Assert.Equal("job 1: running on gpu1", jobs[1].Description);
        Assert.False(jobs[0].Running);
    }

    [Fact]
    public void ProvisioningSteps_AreSaidOnTheJobsLine()
    {
        var tasks = new[] { new ProgressTask(0, "job 0: submitted", 1) };
        var jobs = tasks.Select((t, rank) => new RunProgressView.JobLine(rank, t)).ToList();

        RunProgressView.Apply(new ProvisioningStepProgress(0, "aws", "launching", "launching g5.xlarge (spot) in us-east-1"), jobs);
        Assert.Equal("job 0: launching g5.xlarge (spot) in us-east-1", jobs[0].Description);
        Assert.True(tasks[0].IsIndeterminate);

        RunProgressView.Apply(new ProvisioningStepProgress(0, "aws", "waiting_for_ssh", "waiting for SSH at [::1]"), jobs);
        Assert.Equal("job 0: waiting for SSH at [[::1]]", jobs[0].Description);
    }

    [Fact]
    public void Waiting_IsShownOnEveryLine_AndMarkupInNamesIsShownAsWritten()
    {
        var tasks = new[] { new ProgressTask(0, "job 0: submitted", 1), new ProgressTask(1, "job 1: submitted", 1) };
        var jobs = tasks.Select((t, rank) => new RunProgressView.JobLine(rank, t)).ToList();

        RunProgressView.Apply(new WaitingProgress("capacity [GPU 0 held]"), jobs);
        RunProgressView.Apply(new RunningProgress(5, "nowhere"), jobs);

        Assert.All(jobs, j => Assert.Equal($"job {jobs.IndexOf(j)}: waiting for capacity [[GPU 0 held]]", j.Description));
        Assert.All(jobs, j => Assert.False(j.Running));
    }
}
