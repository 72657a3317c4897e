using Dstack.Runtime.Pipelines;
using Dstack.Runtime.State;
using Dstack.Runtime.Tests.Aws.Fake;
using Dstack.Runtime.Tests.CloudFakes;
using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws;

/// <summary>
/// A pipelines workflow on AWS through the real CLI and the fake EC2: <c>interruptible: true</c> asks for a spot
/// instance, the artifact comes back from the instance byte for byte (with its hash in the store), the cache saved by
/// the first run is uploaded to the second run's new instance, and no instance is left.
/// </summary>
public sealed class AwsWorkflowEndToEndTests
{
    [NetnsFact]
    public async Task Workflow_OnAws_Spot_ArtifactsComeBack_AndTheCacheWarmsTheNextInstance()
    {
        // Two machines: the first instance's may not be handed back yet when the second run asks.
        using var hosts = new NetnsHosts(2);
        await using var fake = await FakeEc2.StartAsync(new NetnsMachines(hosts));
        fake.PendingDescribes = 0;
        var root = Directory.CreateTempSubdirectory("dstack-aws-wf-").FullName;
        try
        {
            var (project, environment) = await AwsRunEndToEndTests.SandboxAsync(root, fake);
            Directory.CreateDirectory(Path.Combine(project, ".dstack", "workflows"));
            await File.WriteAllTextAsync(Path.Combine(project, ".dstack", "workflows", "train.yaml"), """
                workflows:
                  - name: train
                    commands:
                      - 'if [ -f data/set.bin ]; then echo "data: cached"; else echo "data: fetched"; mkdir -p data; head -c 200000 /dev/urandom > data/set.bin; fi'
                      - mkdir -p out && cp data/set.bin out/model.bin && echo trained > out/log.txt
                    artifacts:
                      - path: out
                    cache:
                      - path: data
                    resources:
                      interruptible: true
                """);

            var first = await AwsRunEndToEndTests.RunAsync(project, environment, "run", "train", "-y", "-b", "aws", "--instance-type", "m5.xlarge");
            var second = await AwsRunEndToEndTests.RunAsync(project, environment, "run", "train", "-y", "-b", "aws", "--instance-type", "m5.xlarge");

            Assert.True(first.Code == 0, first.ToString() + hosts.SshdErrors(0));
            Assert.True(second.Code == 0, second.ToString() + hosts.SshdErrors(0) + hosts.SshdErrors(1));
            Assert.Contains("data: fetched", first.Output, StringComparison.Ordinal);
            Assert.Contains("dstack: cache data: restored to", second.Output + second.Error, StringComparison.Ordinal);
            Assert.Contains("data: cached", second.Output, StringComparison.Ordinal);
            Assert.Equal(2, fake.Instances.Count);
            Assert.All(fake.Instances, i => Assert.True(i.Spot));
            Assert.Empty(fake.LiveInstances);

            // The second run's artifact: the model is the cached data set, byte for byte, and the store has its hash.
            var home = new DstackHome(environment["DSTACK_HOME"]);
            var store = StateStore.Open(home);
            var run = store.ListRuns(all: true).OrderBy(r => r.Id).Last();
            var saved = Path.Combine(home.ArtifactsFolder(run.Name), "out");
            var cache = WorkflowCache.For(home, project, "train", "data");
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(cache.Current!, "set.bin")), await File.ReadAllBytesAsync(Path.Combine(saved, "model.bin")));
            var record = Assert.Single(store.ListArtifacts(run.Id));
            Assert.Equal((2L, ArtifactMeasure.Of(saved).Sha256), (record.Files, record.Sha256));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
