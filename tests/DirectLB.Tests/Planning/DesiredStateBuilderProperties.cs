using CsCheck;
using DirectLB.Actors.Planning;
using DirectLB.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Tests.Planning;

/// <summary>
/// The desired-state builder over generated Services and EndpointSlices: hostile input never throws, and is either
/// refused with errors or planned into a load balancer a provider can take.
/// </summary>
public class DesiredStateBuilderProperties(ITestOutputHelper output)
{
    [Fact]
    public void Any_services_and_slices_plan_without_throwing_into_errors_or_a_load_balancer_a_provider_can_take()
    {
        Gen.Select(HostileGen.Key, HostileGen.Observations, HostileGen.Capabilities, HostileGen.Options).Sample(
            (key, observations, capabilities, options) =>
            {
                var desired = DesiredStateBuilder.Build(key, observations, Fixtures.Filter, options, capabilities);

                Assert.Empty(HostileOracle.Violations(desired, capabilities, options));
                return desired.IsValid ? desired.LoadBalancer is null ? "nothing to serve" : "load balancer" : "errors";
            },
            writeLine: output.WriteLine,
            iter: 20_000,
            print: t => $"{t.Item1} {t.Item3} {t.Item4} {PlanningInput.Describe(t.Item2)}");
    }

    [Fact]
    public void Valid_services_plan_a_load_balancer_a_provider_can_take()
    {
        ValidServiceGen.Input.Sample(
            input =>
            {
                var desired = input.Plan();

                Assert.True(desired.IsValid, string.Join("; ", desired.Errors));
                Assert.NotNull(desired.LoadBalancer);
                Assert.Equal(input.Observations[0].Service.Ports.Length, desired.LoadBalancer.Listeners.Count);
                Assert.Empty(HostileOracle.Violations(desired, input.Capabilities, new PlannerOptions()));
            },
            writeLine: output.WriteLine,
            iter: 5_000);
    }

    [Fact]
    public void Every_class_of_invalid_input_turns_a_valid_service_into_errors_and_no_load_balancer()
    {
        Gen.Select(ValidServiceGen.Input, HostileMutations.Any).Sample(
            (input, mutation) =>
            {
                var desired = mutation.Apply(input).Plan();

                Assert.False(desired.IsValid, $"{mutation.Kind} was accepted");
                Assert.Null(desired.LoadBalancer);
                Assert.All(desired.Errors, e => Assert.True(HostileOracle.IsFitForAnEvent(e), e));
                return mutation.Kind;
            },
            writeLine: output.WriteLine,
            iter: 20_000);
    }
}
