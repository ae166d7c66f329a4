import 'package:flutter/material.dart';

import '../models/trail.dart';
import '../theme/insets.dart';

/// Small colored pill showing how hard a trail is.
class DifficultyBadge extends StatelessWidget {
  const DifficultyBadge({super.key, required this.difficulty});

  final Difficulty difficulty;

  Color get _color {
    switch (difficulty) {
      case Difficulty.easy:
        return Colors.green;
      case Difficulty.moderate:
        return Colors.blue;
      case Difficulty.hard:
        return Colors.orange;
      case Difficulty.expert:
        return Colors.red;
    }
  }

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Container(
      padding: Insets.xs,
      decoration: BoxDecoration(
        color: _color.withOpacity(0.15),
        borderRadius: BorderRadius.circular(12),
      ),
      child: Text(
        difficulty.name.toUpperCase(),
        style: textTheme.labelSmall?.copyWith(color: _color),
      ),
    );
  }
}

class DifficultyLegend extends StatelessWidget {
  const DifficultyLegend({super.key});

  @override
  Widget build(BuildContext context) {
    return Wrap(
      spacing: 8,
      runSpacing: 8,
      children: [
        for (final difficulty in Difficulty.values)
          DifficultyBadge(difficulty: difficulty),
      ],
    );
  }
}
