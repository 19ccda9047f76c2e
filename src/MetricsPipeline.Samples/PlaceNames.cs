namespace MetricsPipeline.Samples;

/// <summary>Pinyin-ish place names ("Baishui Zhen", "Longtan Cun"), unique within one tree.</summary>
public sealed class PlaceNames(Random rng)
{
    private static readonly string[] Heads =
    [
        "Bai", "Qing", "Long", "Song", "He", "Shi", "Ma", "Yang", "Liu", "Huang", "Jin", "Shui", "Dong", "Xi",
        "Nan", "Bei", "Gao", "Xin", "Da", "Xiao", "Tian", "Shan", "Hu", "Feng", "An", "Ping", "Fu", "Chang",
        "Lian", "Tao", "Li", "Mei", "Zhu", "Yun", "Hua", "Lin", "Quan", "Yu", "Sha", "Guan", "Cui", "Hong",
    ];

    private static readonly string[] Tails =
    [
        "shan", "he", "xi", "qiao", "ping", "tang", "kou", "ba", "gang", "wan", "zhuang", "ling", "po", "yuan",
        "tou", "gou", "pu", "ao", "tan", "cheng", "zhou", "yang", "feng", "lin", "quan", "ya", "dian", "hu",
    ];

    private readonly HashSet<string> _used = [];

    /// <summary>A fresh two-syllable stem followed by the level's suffix (Shi, Xian, Zhen or Xiang, Cun).</summary>
    public string Next(string suffix)
    {
        while (true)
        {
            var stem = rng.PickOne(Heads) + rng.PickOne(Tails);
            if (_used.Add(stem)) return $"{stem} {suffix}";
        }
    }
}
