import 'package:flutter/material.dart';

import '../theme/insets.dart';

/// A big number with a caption underneath, e.g. "12.4" over "km".
class StatTile extends StatelessWidget {
  const StatTile({
    super.key,
    required this.value,
    required this.label,
    this.icon,
  });

  final String value;
  final String label;
  final IconData? icon;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Padding(
      padding: Insets.sm,
      child: Column(
        mainAxisSize: MainAxisSize.min,
        children: [
          if (icon != null) Icon(icon, size: 20),
          Text(value, style: textTheme.headlineSmall),
          const SizedBox(height: 4),
          Text(label, style: textTheme.labelMedium),
        ],
      ),
    );
  }
}

class StatRow extends StatelessWidget {
  const StatRow({super.key, required this.tiles});

  final List<StatTile> tiles;

  @override
  Widget build(BuildContext context) {
    return Row(
      mainAxisAlignment: MainAxisAlignment.spaceAround,
      children: [
        for (final tile in tiles) Expanded(child: tile),
      ],
    );
  }
}

Widget buildStatDivider() {
  return const SizedBox(
    height: 32,
    child: VerticalDivider(width: 1),
  );
}
