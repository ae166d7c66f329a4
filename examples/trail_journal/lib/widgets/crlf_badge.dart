import 'package:flutter/material.dart';

import '../theme/insets.dart';

/// Badge with the number of new photos waiting to be attached to a hike.
class NewPhotosBadge extends StatelessWidget {
  const NewPhotosBadge({super.key, required this.count});

  final int count;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Badge(
      isLabelVisible: count > 0,
      label: Text('$count', style: textTheme.labelSmall),
      child: const Icon(Icons.photo_library_outlined),
    );
  }
}

class StreakBadge extends StatelessWidget {
  const StreakBadge({super.key, required this.weeks});

  final int weeks;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Container(
      padding: Insets.sm,
      decoration: BoxDecoration(
        color: Colors.deepOrange.shade50,
        borderRadius: BorderRadius.circular(16),
      ),
      child: Row(
        mainAxisSize: MainAxisSize.min,
        children: [
          const Icon(Icons.local_fire_department, size: 16),
          const SizedBox(width: 4),
          Text('$weeks week streak', style: textTheme.labelMedium),
        ],
      ),
    );
  }
}
