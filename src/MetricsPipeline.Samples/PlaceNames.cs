namespace MetricsPipeline.Samples;

/// <summary>Chinese place names ("白水镇", "龙潭村"): a two-character stem and the level's suffix, unique within one tree.</summary>
public sealed class PlaceNames(Random rng)
{
    private static readonly string[] Heads =
    [
        "白", "青", "龙", "松", "河", "石", "马", "杨", "柳", "黄", "金", "水", "东", "西",
        "南", "北", "高", "新", "大", "小", "田", "山", "湖", "枫", "安", "平", "福", "长",
        "莲", "桃", "李", "梅", "竹", "云", "华", "林", "泉", "玉", "沙", "关", "翠", "红",
    ];

    private static readonly string[] Tails =
    [
        "山", "河", "溪", "桥", "坪", "塘", "口", "坝", "岗", "湾", "庄", "岭", "坡", "源",
        "头", "沟", "铺", "坳", "潭", "城", "洲", "阳", "峰", "林", "泉", "垭", "店", "湖",
    ];

    private readonly HashSet<string> _used = [];

    /// <summary>A fresh two-character stem followed by the level's suffix (市, 县, 镇 or 乡, 村).</summary>
    public string Next(string suffix)
    {
        while (true)
        {
            var stem = rng.PickOne(Heads) + rng.PickOne(Tails);
            if (_used.Add(stem)) return stem + suffix;
        }
    }
}
