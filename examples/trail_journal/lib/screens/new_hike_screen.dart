import 'package:flutter/material.dart';

import '../forms/new_hike_form.dart';
import '../layout/responsive_scaffold.dart';
import '../widgets/difficulty_badge.dart';

/// Wraps the new-hike form in a scaffold; on wide screens the difficulty
/// legend sits next to it.
class NewHikeScreen extends StatelessWidget {
  const NewHikeScreen({super.key});

  @override
  Widget build(BuildContext context) {
    return const ResponsiveScaffold(
      title: 'Log a hike',
      sidePanel: DifficultyLegend(),
      body: SingleChildScrollView(
        child: MaxWidthBox(child: NewHikeForm()),
      ),
    );
  }
}
