using Akka.Cluster.SBR;
using DirectLB.Actors.Replicas;
using DirectLB.Host;
using DirectLB.Host.Configuration;
using DirectLB.Host.Hosting;

namespace DirectLB.EndToEnd.Tests;

/// <summary>The replica settings as the command line gives them, and what the host refuses before it starts.</summary>
public class ReplicaConfigurationTests
{
    /// <summary>Any existing file: these configurations fail validation before a kubeconfig is read.</summary>
    private static readonly string Kubeconfig = typeof(ReplicaConfigurationTests).Assembly.Location;

    [Fact]
    public void Each_seed_switch_becomes_one_seed_node()
    {
        var args = CommandLineSwitches.ExpandRepeated(["--seed", "akka.tcp://directlb@10.0.0.1:4053", "--seed=akka.tcp://directlb@10.0.0.2:4053", "--port", "4053"]);

        Assert.Equal(
            ["--DirectLB:Cluster:SeedNodes:0=akka.tcp://directlb@10.0.0.1:4053", "--DirectLB:Cluster:SeedNodes:1=akka.tcp://directlb@10.0.0.2:4053", "--port", "4053"],
            args);
    }

    [Fact]
    public void Several_replicas_on_a_local_SQLite_file_and_an_in_memory_cloud_are_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => DirectLbHost.CreateBuilder(["--kubeconfig", Kubeconfig, "--seed", "akka.tcp://directlb@127.0.0.1:4053"]));

        Assert.Contains(error.Errors, e => e.Contains("shared journal", StringComparison.Ordinal) && e.Contains("--journal-provider postgresql", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("shared load balancer platform", StringComparison.Ordinal) && e.Contains("--provider http", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_journal_provider_a_zero_stable_after_down_all_limit_removal_margin_and_heartbeat_pause_are_all_named()
    {
        var error = Assert.Throws<ConfigurationException>(() => DirectLbHost.CreateBuilder(
            ["--kubeconfig", Kubeconfig, "--journal-provider", "oracle", "--DirectLB:Cluster:StableAfter=00:00:00", "--DirectLB:Cluster:RemovalMargin=00:00:00",
             "--DirectLB:Cluster:AcceptableHeartbeatPause=00:00:00", "--DirectLB:Cluster:DownAllWhenUnstable=00:00:00"]));

        Assert.Contains(error.Errors, e => e.Contains("'oracle' is unknown", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("StableAfter", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("RemovalMargin must be positive", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("AcceptableHeartbeatPause must be positive", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("DownAllWhenUnstable must be positive", StringComparison.Ordinal));
    }

    [Fact]
    public void A_shard_count_out_of_range_is_refused_and_replicas_that_shard_differently_tell_each_other_apart()
    {
        var error = Assert.Throws<ConfigurationException>(() => DirectLbHost.CreateBuilder(["--kubeconfig", Kubeconfig, "--DirectLB:Cluster:Shards=0"]));
        Assert.Contains(error.Errors, e => e.Contains("DirectLB:Cluster:Shards must be between 1 and 10000", StringComparison.Ordinal));

        // The same Service would sit in another shard on each side: the configuration guard refuses the replica that differs.
        IReadOnlyDictionary<string, string> Sharded(int shards) => SharedSettings.Of(new DirectLbOptions { Cluster = new AkkaClusterOptions { Shards = shards } });
        Assert.Equal(["shards"], ConfigurationRoles.Differences(ConfigurationRoles.For(Sharded(7)), ConfigurationRoles.For(Sharded(8))));
    }

    [Fact]
    public void The_split_brain_resolver_reads_keep_majority_stable_after_and_the_down_all_limit_as_configured()
    {
        // What Akka reads, with Akka.Cluster's reference configuration behind DirectLB's, as in the host.
        var reference = Akka.Configuration.ConfigurationFactory.FromResource<Akka.Cluster.Cluster>("Akka.Cluster.Configuration.Cluster.conf");
        SplitBrainResolverSettings Read(string hocon) => new(Akka.Configuration.ConfigurationFactory.ParseString(hocon).WithFallback(reference));

        var defaults = Read(ClusterDowning.Hocon(new AkkaClusterOptions()));
        var derived = Read("akka.cluster.split-brain-resolver.stable-after = 3s");

        Assert.Equal("keep-majority", defaults.DowningStrategy);
        Assert.Equal(TimeSpan.FromSeconds(3), defaults.DowningStableAfter);
        Assert.Equal(TimeSpan.FromSeconds(20), defaults.DownAllWhenUnstable);
        // Without the setting Akka would derive 4 s from the same stable-after: 7 s of flapping would down every replica.
        Assert.Equal(TimeSpan.FromSeconds(4), derived.DownAllWhenUnstable);
        Assert.Equal(TimeSpan.FromSeconds(45), Read(ClusterDowning.Hocon(new AkkaClusterOptions { DownAllWhenUnstable = TimeSpan.FromSeconds(45) })).DownAllWhenUnstable);
    }

    [Fact]
    public void An_unknown_SQLite_synchronous_mode_is_refused_before_start()
    {
        var error = Assert.Throws<ConfigurationException>(() => DirectLbHost.CreateBuilder(
            ["--kubeconfig", Kubeconfig, "--DirectLB:Journal:SqliteSynchronous=off"]));

        Assert.Contains(error.Errors, e => e.Contains("SqliteSynchronous 'off' is unknown; use normal or full", StringComparison.Ordinal));
    }

    [Fact]
    public void Random_cloud_faults_that_are_no_share_of_calls_are_refused_before_start()
    {
        var error = Assert.Throws<ConfigurationException>(() => DirectLbHost.CreateBuilder(
            ["--kubeconfig", Kubeconfig, "--DirectLB:Simulated:Chaos:FailureRate=1.5"]));

        Assert.Contains(error.Errors, e => e.StartsWith("DirectLB:Simulated:Chaos: ", StringComparison.Ordinal) && e.Contains("failure rate", StringComparison.Ordinal));
    }
}
