using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Planning;

public class SourceRangesPlanningTests
{
    private static readonly ListenerKey Https = new(TransportProtocol.Tcp, 443);

    [Fact]
    public void Spec_source_ranges_become_every_listeners_ranges_in_canonical_order()
    {
        var service = Service(ports: [Port("http", 80), Port("https", 443)], sourceRanges: ["fd00::/8", " 192.168.1.7/32 ", "10.0.0.0/8", "10.0.0.0/8"]);

        var listeners = Desired(Observation(service, Slice("a", [Ready("10.244.1.5")], new("http", "TCP", 8080), new("https", "TCP", 8443)))).LoadBalancer!.Listeners;

        Assert.Equal(["10.0.0.0/8", "192.168.1.7/32", "fd00::/8"], listeners[Http].Spec.SourceRanges!.Blocks.ToArray());
        Assert.Equal(listeners[Http].Spec.SourceRanges, listeners[Https].Spec.SourceRanges);
    }

    [Theory]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("FD00:0:0::1/16", "fd00::/16")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("::/0", "::/0")]
    [InlineData("127.0.0.1/32", "127.0.0.1/32")]
    public void A_block_is_kept_in_canonical_form_with_bits_past_the_prefix_cleared(string given, string kept)
    {
        var desired = Desired(Observation(Service(sourceRanges: [given])));

        Assert.Equal([kept], desired.LoadBalancer!.Listeners[Http].Spec.SourceRanges!.Blocks.ToArray());
    }

    [Fact]
    public void The_older_annotation_is_read_when_the_spec_has_none()
    {
        var desired = Desired(Observation(Service(annotations: new Dictionary<string, string> { [SourceRangesField.Annotation] = "10.0.0.0/8, 192.168.0.0/16" })));

        Assert.Equal(["10.0.0.0/8", "192.168.0.0/16"], desired.LoadBalancer!.Listeners[Http].Spec.SourceRanges!.Blocks.ToArray());
    }

    [Fact]
    public void The_spec_wins_over_the_older_annotation_as_upstream()
    {
        var service = Service(sourceRanges: ["10.0.0.0/8"], annotations: new Dictionary<string, string> { [SourceRangesField.Annotation] = "not a block" });

        var desired = Desired(Observation(service));

        Assert.Empty(desired.Errors);
        Assert.Equal(["10.0.0.0/8"], desired.LoadBalancer!.Listeners[Http].Spec.SourceRanges!.Blocks.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void No_ranges_admit_every_client(string annotation)
    {
        var withAnnotation = Desired(Observation(Service(annotations: new Dictionary<string, string> { [SourceRangesField.Annotation] = annotation })));
        var plain = Desired(Observation(Service()));

        Assert.Null(withAnnotation.LoadBalancer!.Listeners[Http].Spec.SourceRanges);
        Assert.Null(plain.LoadBalancer!.Listeners[Http].Spec.SourceRanges);
    }

    [Theory]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.0/33")]
    [InlineData("::/129")]
    [InlineData("010.0.0.0/8")]
    [InlineData("10.0.0/8")]
    [InlineData("10.0.0.0/08")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/+8")]
    [InlineData("10.0.0.0/8/8")]
    [InlineData("10.0.0.0/ 8")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("10.0.0.0/٨")]
    [InlineData("/8")]
    [InlineData("")]
    [InlineData("everywhere")]
    public void A_bad_block_in_the_spec_is_an_error_naming_it_and_nothing_is_planned(string block)
    {
        var desired = Desired(Observation(Service(sourceRanges: ["10.0.0.0/8", block])));

        Assert.Null(desired.LoadBalancer);
        var error = Assert.Single(desired.Errors);
        Assert.StartsWith("spec.loadBalancerSourceRanges: ", error);
        Assert.Contains($"'{block.Trim()}'", error);
    }

    [Theory]
    [InlineData("10.0.0.0/8,")]
    [InlineData("10.0.0.0/8;192.168.0.0/16")]
    [InlineData("10.0.0.0/8 192.168.0.0/16")]
    public void A_bad_block_in_the_older_annotation_is_an_error_naming_the_annotation(string annotation)
    {
        var desired = Desired(Observation(Service(annotations: new Dictionary<string, string> { [SourceRangesField.Annotation] = annotation })));

        Assert.Null(desired.LoadBalancer);
        Assert.StartsWith($"annotation {SourceRangesField.Annotation}: ", Assert.Single(desired.Errors));
    }

    [Fact]
    public void More_blocks_than_a_load_balancer_takes_is_an_error()
    {
        var blocks = Enumerable.Range(0, SourceRangesField.MaxBlocks + 1).Select(i => $"10.{i / 256}.{i % 256}.0/24");

        var desired = Desired(Observation(Service(sourceRanges: blocks)));

        Assert.Null(desired.LoadBalancer);
        Assert.Contains("1001 CIDR blocks", Assert.Single(desired.Errors));
    }

    [Fact]
    public void A_provider_that_cannot_refuse_clients_gets_no_ranges_but_an_error()
    {
        var open = Capabilities with { SupportsSourceRanges = false };

        var desired = Desired(Observation(Service(sourceRanges: ["10.0.0.0/8"])), capabilities: open);

        Assert.Null(desired.LoadBalancer);
        Assert.Contains("cannot refuse clients by address", Assert.Single(desired.Errors));
    }

    [Fact]
    public void Changed_ranges_change_the_listener_in_place_and_leave_its_targets_alone()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));
        var desired = Desired(Observation(Service(sourceRanges: ["10.0.0.0/8"]), Slice("a", [Ready("10.244.1.5")])));

        var operations = LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now);

        var ensure = Assert.IsType<EnsureListener>(Assert.Single(operations));
        Assert.Equal(HttpSpec with { SourceRanges = SourceRanges.Of(["10.0.0.0/8"]) }, ensure.Listener);
    }

    [Fact]
    public void The_same_ranges_given_in_another_order_or_spelling_change_nothing()
    {
        var applied = Applied(AppliedServing("10.244.1.5")).WithListener(HttpSpec with { SourceRanges = SourceRanges.Of(["10.0.0.0/8", "fd00::/8"]) });
        var desired = Desired(Observation(Service(sourceRanges: ["FD00::1/8", "10.9.9.9/8"]), Slice("a", [Ready("10.244.1.5")])));

        Assert.Empty(LoadBalancerDiff.Between(desired.LoadBalancer, applied, Now));
    }
}
