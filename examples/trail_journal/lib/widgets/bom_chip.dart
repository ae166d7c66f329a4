import 'package:flutter/material.dart';

/// Filter chip for one trail region; highlighted while selected.
class RegionChip extends StatelessWidget {
  const RegionChip({
    super.key,
    required this.region,
    required this.selected,
    required this.onSelected,
  });

  final String region;
  final bool selected;
  final ValueChanged<bool> onSelected;

  @override
  Widget build(BuildContext context) {
    return FilterChip(
      avatar: const Icon(Icons.place, size: 16),
      label: Text(region),
      selected: selected,
      onSelected: onSelected,
    );
  }
}

class RegionChipBar extends StatefulWidget {
  const RegionChipBar({super.key, required this.regions});

  final List<String> regions;

  @override
  State<RegionChipBar> createState() => _RegionChipBarState();
}

class _RegionChipBarState extends State<RegionChipBar> {
  final _selected = <String>{};

  @override
  Widget build(BuildContext context) {
    return Wrap(
      spacing: 8,
      children: [
        for (final region in widget.regions)
          RegionChip(
            region: region,
            selected: _selected.contains(region),
            onSelected: (value) => setState(() {
              value ? _selected.add(region) : _selected.remove(region);
            }),
          ),
      ],
    );
  }
}
