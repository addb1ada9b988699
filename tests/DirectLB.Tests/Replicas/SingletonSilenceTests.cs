using DirectLB.Actors.Replicas;

namespace DirectLB.Tests.Replicas;

public class SingletonSilenceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan WarnAfter = TimeSpan.FromSeconds(30);

    private static DateTimeOffset At(double seconds) => Start + TimeSpan.FromSeconds(seconds);

    [Fact]
    public void A_singleton_that_is_not_found_yet_at_start_is_no_warning()
    {
        var silence = new SingletonSilence(WarnAfter, Start);

        Assert.Equal(SilenceChange.None, silence.Observe(answered: false, At(0)));
        Assert.Equal(SilenceChange.None, silence.Observe(answered: false, At(10)));
        Assert.Equal(SilenceChange.None, silence.Observe(answered: true, At(12)));
        Assert.Equal(SilenceChange.None, silence.Observe(answered: false, At(40)));
    }

    [Fact]
    public void A_singleton_silent_for_the_whole_period_is_one_warning_then_one_line_when_it_answers_again()
    {
        var silence = new SingletonSilence(WarnAfter, Start);

        Assert.Equal(SilenceChange.Silent, silence.Observe(answered: false, At(30)));
        Assert.Equal(TimeSpan.FromSeconds(30), silence.SilentFor(At(30)));
        Assert.Equal(SilenceChange.None, silence.Observe(answered: false, At(40)));
        Assert.Equal(SilenceChange.None, silence.Observe(answered: false, At(90)));
        Assert.Equal(SilenceChange.Answering, silence.Observe(answered: true, At(95)));
        Assert.Equal(SilenceChange.None, silence.Observe(answered: true, At(100)));
    }

    [Fact]
    public void Silence_counts_from_the_last_answer()
    {
        var silence = new SingletonSilence(WarnAfter, Start);
        silence.Observe(answered: true, At(50));

        Assert.Equal(SilenceChange.None, silence.Observe(answered: false, At(70)));
        Assert.Equal(SilenceChange.Silent, silence.Observe(answered: false, At(80)));
    }
}
